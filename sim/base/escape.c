/*
 * escape: control characters of names as visible escapes (see escape.h).
 */
#include "escape.h"
#include "util.h"

#include <string.h>

/* Bytes at s that form one control character: 1 (C0, DEL), 2 (a C1
 * control in UTF-8), 0 (not a control). */
static size_t
control_len(const unsigned char *s)
{
    if (s[0] < 0x20 || s[0] == 0x7f)
        return 1;
    if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
        return 2;
    return 0;
}

bool
acd_escape_needed(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
        if (control_len(p))
            return true;
    return false;
}

void
acd_escape_fputs(const char *s, FILE *out)
{
    static const char short_form[][3] = {['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t"};
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        size_t n = control_len(p);
        if (n == 0)
            fputc(*p, out);
        else if (n == 2)
            fprintf(out, "\\u%04x", (unsigned)*++p);
        else if (*p < ACD_ARRAY_LEN(short_form) && short_form[*p][0])
            fputs(short_form[*p], out);
        else
            fprintf(out, "\\x%02x", (unsigned)*p);
    }
}

char *
acd_escape_xstrdup(const char *s)
{
    if (!acd_escape_needed(s))
        return acd_xstrdup(s ? s : "");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = acd_xmemstream_open(&buf, &len);
    acd_escape_fputs(s, f);
    acd_xmemstream_close(f);
    return buf;
}

/* ------------------------------------------------------------------ XML */

/* Length of a valid UTF-8 sequence at s (2 to 4), 0 if not one. */
static size_t
utf8_len(const unsigned char *s)
{
    size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (n == 0 || (s[0] >= 0xf8))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    /* Overlong three- and four-byte forms, surrogates, above U+10FFFF. */
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
        return 0;
    return n;
}

void
acd_escape_xml_fputs(const char *s, FILE *out)
{
    static const char *const entity[128] = {
        ['&'] = "&amp;",  ['<'] = "&lt;",   ['>'] = "&gt;",   ['"'] = "&quot;",
        ['\''] = "&#39;", ['\n'] = "&#10;", ['\r'] = "&#13;", ['\t'] = "&#9;",
    };
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (*p < 0x80) {
            if (entity[*p])
                fputs(entity[*p], out);
            else if (*p < 0x20 || *p == 0x7f) /* not allowed in XML 1.0 */
                fprintf(out, "\\x%02x", (unsigned)*p);
            else
                fputc(*p, out);
            continue;
        }
        size_t n = utf8_len(p);
        if (n == 0) { /* not UTF-8: the byte as a visible escape */
            fprintf(out, "\\x%02x", (unsigned)*p);
        } else if (n == 2 && p[0] == 0xc2 && p[1] <= 0x9f) { /* C1 control */
            fprintf(out, "\\u%04x", (unsigned)p[1]);
            p++;
        } else if (n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe) { /* U+FFFE, FFFF */
            fprintf(out, "\\u%04x", 0xffc0u | (unsigned)(p[2] & 0x3f));
            p += 2;
        } else {
            fwrite(p, 1, n, out);
            p += n - 1;
        }
    }
}
