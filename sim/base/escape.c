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
