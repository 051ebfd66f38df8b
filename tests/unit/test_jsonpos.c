/*
 * Unit tests for jsonpos: a value's line and column found along its path
 * (members, elements, escaped names, UTF-8 columns), the fallback to the
 * innermost container that exists, the path as text, and a top-level
 * member's offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "jsonpos.h"

#include <stdlib.h>
#include <string.h>

static const char doc[] = "{\n"
                          "  \"a\": {\"b\": [10, {\"c\": 1}, \"x\"]},\n"
                          "  \"\\u00e9t\\u00e9\": \"\xc3\xa9\", \"d\": 2\n"
                          "}\n";

static void
locate(const struct acd_jsonpos_path *p, bool at_name, unsigned line, unsigned col)
{
    unsigned l = 0, c = 0;
    acd_jsonpos_locate(doc, strlen(doc), p, at_name, &l, &c);
    assert_int_equal(l, line);
    assert_int_equal(c, col);
}

static void
test_locate(void **state)
{
    (void)state;
    locate(NULL, false, 1, 1);
    struct acd_jsonpos_path a = acd_jsonpos_key(NULL, "a");
    locate(&a, false, 2, 8);
    locate(&a, true, 2, 3);
    struct acd_jsonpos_path b = acd_jsonpos_key(&a, "b");
    struct acd_jsonpos_path b1 = acd_jsonpos_index(&b, 1);
    struct acd_jsonpos_path c = acd_jsonpos_key(&b1, "c");
    locate(&c, false, 2, 25);
    locate(&c, true, 2, 20);
    /* An escaped name matches its decoded spelling; columns count
     * characters. */
    struct acd_jsonpos_path ete = acd_jsonpos_key(NULL, "\xc3\xa9t\xc3\xa9");
    locate(&ete, false, 3, 20);
    struct acd_jsonpos_path d = acd_jsonpos_key(NULL, "d");
    locate(&d, false, 3, 30); /* é is one column */
}

static void
test_missing(void **state)
{
    (void)state;
    /* Not there: the innermost container on the way that exists. */
    struct acd_jsonpos_path a = acd_jsonpos_key(NULL, "a");
    struct acd_jsonpos_path b = acd_jsonpos_key(&a, "b");
    struct acd_jsonpos_path b9 = acd_jsonpos_index(&b, 9);
    locate(&b9, false, 2, 14);
    struct acd_jsonpos_path zz = acd_jsonpos_key(&a, "zz");
    locate(&zz, false, 2, 8);
    struct acd_jsonpos_path none = acd_jsonpos_key(NULL, "none");
    locate(&none, true, 1, 1);
    /* Any text: no crash, a plausible place. */
    unsigned l = 0, c = 0;
    acd_jsonpos_locate("{\"a\": [1, \"unterminated", 23, &b9, false, &l, &c);
    assert_int_equal(l, 1);
    assert_int_equal(c, 7);
    acd_jsonpos_locate("", 0, &b9, false, &l, &c);
    assert_int_equal(l, 1);
    assert_int_equal(c, 1);
}

static void
test_path_text(void **state)
{
    (void)state;
    struct acd_jsonpos_path iv = acd_jsonpos_key(NULL, "intervals");
    struct acd_jsonpos_path i3 = acd_jsonpos_index(&iv, 3);
    struct acd_jsonpos_path ty = acd_jsonpos_key(&i3, "call_types");
    struct acd_jsonpos_path asa = acd_jsonpos_key(&ty, "asa_s");
    char *s = acd_jsonpos_path_text(&asa);
    assert_string_equal(s, "intervals[3].call_types.asa_s");
    free(s);
    s = acd_jsonpos_path_text(NULL);
    assert_string_equal(s, "");
    free(s);
}

static void
test_member(void **state)
{
    (void)state;
    static const char text[] = " {\"x\": [1, {\"seed\": 5}], \"s\\u0065ed\" : 42}";
    size_t at = 0;
    assert_true(acd_jsonpos_member(text, strlen(text), "seed", &at));
    assert_int_equal(at, strlen(text) - 3);
    assert_false(acd_jsonpos_member(text, strlen(text), "nope", &at));
    assert_false(acd_jsonpos_member("[1]", 3, "seed", &at));
    assert_false(acd_jsonpos_member("{\"seed\" 1}", 10, "seed", &at));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locate),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_path_text),
        cmocka_unit_test(test_member),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
