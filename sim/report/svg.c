/*
 * svg: makes a gnuplot SVG document embeddable inline in an HTML page:
 * whether it is safe to inline (no script), and the copy with its prolog
 * and namespace declarations dropped and its ids and local references
 * prefixed per figure.
 *
 * Not here: the page around it (html.c), drawing the SVG (plot.c). It is
 * not an XML parser: it rewrites the tags of gnuplot's output and copies
 * everything else as it is.
 */
#include "svg.h"
#include "util.h"

#include <string.h>

/* Attributes that do not belong in the page (see acd_svg_put_inline). */
static bool
svg_attr_dropped(const char *name, size_t n)
{
    static const char *const drop[] = {"xmlns", "xmlns:xlink"};
    for (size_t i = 0; i < ACD_ARRAY_LEN(drop); i++)
        if (strlen(drop[i]) == n && strncmp(name, drop[i], n) == 0)
            return true;
    return false;
}

static bool
name_is(const char *name, size_t n, const char *want)
{
    return strlen(want) == n && strncmp(name, want, n) == 0;
}

/* A value with every "url(#" turned into "url(#c<k>-". */
static void
put_svg_value(FILE *out, const char *v, size_t n, size_t k)
{
    static const char url[] = "url(#";
    const size_t u = sizeof(url) - 1;
    size_t i = 0;
    while (i < n) {
        if (n - i >= u && strncmp(v + i, url, u) == 0) {
            fprintf(out, "%sc%zu-", url, k);
            i += u;
        } else {
            fputc(v[i++], out);
        }
    }
}

/* Copy one start or end tag from s ("<name attr='v' ...>") with its ids and
 * local references prefixed; returns the position after it. */
static const char *
put_svg_tag(FILE *out, const char *s, const char *end, size_t k)
{
    const char *p = s + 1 + (s[1] == '/'); /* an end tag: "</g>" */
    p += strcspn(p, " \t\r\n/>");
    fwrite(s, 1, (size_t)(p - s), out);
    while (p < end && *p != '>') {
        size_t ws = strspn(p, " \t\r\n/");
        fwrite(p, 1, ws, out);
        p += ws;
        if (p >= end || *p == '>')
            break;
        const char *name = p;
        size_t n = strcspn(p, "= \t\r\n/>");
        /* gnuplot writes some attributes as "fill = 'red'". */
        const char *eq = p + n + strspn(p + n, " \t\r\n");
        const char *val = *eq == '=' ? eq + 1 + strspn(eq + 1, " \t\r\n") : eq;
        if (*eq != '=' || (*val != '"' && *val != '\'')) {
            /* A bare or unquoted attribute (or a stray '='): as it is, and
             * always at least one byte on, so the loop ends. */
            size_t m = n ? n : 1;
            fwrite(name, 1, m, out);
            p = name + m;
            continue;
        }
        p = val - 1;
        char q = p[1];
        const char *v = p + 2, *close = strchr(v, q);
        if (!close || close >= end)
            close = end;
        size_t vn = (size_t)(close - v);
        p = close < end ? close + 1 : end;
        if (svg_attr_dropped(name, n))
            continue;
        fwrite(name, 1, n, out);
        fprintf(out, "=%c", q);
        if (name_is(name, n, "id")) {
            fprintf(out, "c%zu-", k);
        } else if ((name_is(name, n, "href") || name_is(name, n, "xlink:href")) && vn &&
                   *v == '#') {
            fprintf(out, "#c%zu-", k);
            v++;
            vn--;
        }
        put_svg_value(out, v, vn, k);
        fputc(q, out);
    }
    if (p < end) {
        fputc('>', out);
        p++;
    }
    return p;
}

/* Copy a gnuplot SVG document into the page. The XML prolog and DOCTYPE
 * (everything before "<svg") do not belong in HTML; the namespace
 * declarations are implied by the HTML parser, and dropping them keeps the
 * page free of URLs. Every id and every local reference (href="#x",
 * url(#x)) gets the prefix "c<k>-": gnuplot names its markers and patterns
 * the same in every chart (gpPt1, gpPat1...), and a page with several
 * charts would otherwise resolve all references to the first chart's. */
void
acd_svg_put_inline(FILE *out, const char *svg, size_t k)
{
    const char *s = strstr(svg, "<svg"), *end = s;
    for (const char *e = strstr(s, "</svg>"); e; e = strstr(e + 1, "</svg>"))
        end = e + strlen("</svg>");
    while (s < end) {
        const char *lt = memchr(s, '<', (size_t)(end - s));
        if (!lt)
            lt = end;
        fwrite(s, 1, (size_t)(lt - s), out); /* text between tags */
        s = lt;
        if (s == end)
            break;
        /* Comments, CDATA and declarations are copied as they are. */
        static const struct {
            const char *open, *close;
        } verbatim[] = {{"<!--", "-->"}, {"<![CDATA[", "]]>"}, {"<!", ">"}, {"<?", ">"}};
        bool copied = false;
        for (size_t i = 0; i < ACD_ARRAY_LEN(verbatim) && !copied; i++) {
            if (strncmp(s, verbatim[i].open, strlen(verbatim[i].open)) != 0)
                continue;
            const char *c = strstr(s, verbatim[i].close);
            const char *stop = c && c < end ? c + strlen(verbatim[i].close) : end;
            fwrite(s, 1, (size_t)(stop - s), out);
            s = stop;
            copied = true;
        }
        if (!copied)
            s = put_svg_tag(out, s, end, k);
    }
    fputc('\n', out);
}

/* An SVG we will not inline: no <svg> element, or anything that could run
 * a script (gnuplot's interactive "mouse" output loads JavaScript). */
bool
acd_svg_is_embeddable(const char *svg)
{
    static const char *const unsafe[] = {"<script",
                                         "javascript:", " onload=", " onclick=", "<foreignObject"};
    const char *s = svg ? strstr(svg, "<svg") : NULL;
    if (!s || !strstr(s, "</svg>"))
        return false;
    for (size_t i = 0; i < ACD_ARRAY_LEN(unsafe); i++)
        if (strstr(s, unsafe[i]))
            return false;
    return true;
}
