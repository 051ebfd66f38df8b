/*
 * Unit tests for html: index.html written from hand-built results (no
 * engine, no gnuplot). A small checker parses the page and fails on an
 * unclosed or mismatched tag, a raw '<' or '>' in text, or an '&' that does
 * not start an entity. Names with <&"> must come out escaped; each interval
 * gets its verdict class; missing charts give a notice; inlined SVG loses
 * its prolog and namespace URLs and gets per-chart ids; the page never
 * holds a script or an http URL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acdsim/run.h"
#include "acdsim/scenario.h"
#include "acdsim/stats.h"
#include "html.h"
#include "plot.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define N_TYPES     2
#define N_GROUPS    1
#define N_INTERVALS 3
#define N_CHARTS    2

/* Hostile names: each would break the page if written raw. */
#define EVIL_TYPE     "<b>\"x\" & y</b>"
#define EVIL_TYPE_ESC "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;"
#define EVIL_GROUP    "team <&>"
#define EVIL_SCENARIO "Center \"A\" <script>alert(1)</script> & co"

/* Two gnuplot-like SVG documents: an XML prolog, a DOCTYPE with a URL,
 * namespace URLs, ids and references that collide between the charts,
 * and attributes written "a = 'v'" as gnuplot does. */
static const char svg_a[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
    "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
    "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
    "<svg width=\"600\" height=\"400\" viewBox=\"0 0 600 400\"\n"
    " xmlns=\"http://www.w3.org/2000/svg\"\n xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"
    "<title>Gnuplot</title>\n<defs>\n"
    "\t<path id='gpPt1' stroke='currentColor' d='M-1,-1 L1,1 M1,-1 L-1,1'/>\n"
    "\t<pattern id='gpPat1' patternUnits='userSpaceOnUse' x='0' y='0' width='8' height='8'>"
    "<path d='M0,0 L8,8' stroke='red'/></pattern>\n</defs>\n"
    "<g id=\"gnuplot_canvas\"><use xlink:href='#gpPt1' x='10' y='10'/>\n"
    "<polygon fill = 'url(#gpPat1)' points = '0,0 5,0 5,5'/>\n"
    "<text x=\"5\" y=\"5\">service level &amp; target</text></g>\n</svg>\n";
static const char svg_b[] =
    "<?xml version=\"1.0\"?>\n<svg viewBox=\"0 0 600 400\" "
    "xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">"
    "<defs><pattern id='gpPat1' width='8' height='8'><path d='M0,8 L8,0' stroke='blue'/>"
    "</pattern></defs><rect fill='url(#gpPat1)' width='5' height='5'/>"
    "<use href=\"#gpPat1\"/></svg>";

struct fixture {
    struct acd_scenario sc;
    bool no_scenario; /* results without a setup (known == false) */
    struct acd_call_type types[N_TYPES];
    struct acd_agent_group groups[N_GROUPS];
    struct acd_resolution resolution;
    struct acd_results r;
    struct acd_scope_result type_res[N_TYPES];
    struct acd_scope_result group_res[N_GROUPS];
    struct acd_interval_result iv[N_INTERVALS];
    struct acd_scope_result iv_types[N_INTERVALS][N_TYPES];
    struct acd_chart chart[N_CHARTS];
    struct acd_charts charts;
};

static void
fill_scope(struct acd_scope_result *s, const char *name, unsigned scope, double base)
{
    s->name = name;
    s->scope = scope;
    for (int m = 0; m < ACD_METRIC_COUNT; m++) {
        /* Ratios in [0, 1], everything else some positive number. */
        s->metric[m].mean = acd_metrics[m].is_ratio ? base : 10 * base + 0.0123 * m;
        s->metric[m].ci95 = 0.00071 * (m + 1) + base / 100.0;
        s->metric[m].n = 7;
    }
    for (int k = 0; k < ACD_TOTAL_COUNT; k++) {
        s->total[k].mean = 1000.0 * base + 17.385 * k;
        s->total[k].ci95 = 2.385 + k;
        s->total[k].n = 7;
    }
}

/* An operating day 08:00-09:30 in 30-minute intervals; the center's service
 * level is 90% (met), 50% (missed) and undefined (no calls) in turn. */
static const double interval_sl[N_INTERVALS] = {0.90, 0.50, (double)NAN};
static const char *const interval_class[N_INTERVALS] = {"met", "missed", "na"};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->types[0].name = "billing";
    f->types[1].name = EVIL_TYPE;
    f->groups[0].name = EVIL_GROUP;
    f->groups[0].agents = 12;
    f->sc.name = EVIL_SCENARIO;
    f->sc.path = "scenarios/<test>.yaml";
    f->sc.seed = 42;
    f->sc.replications = 7;
    f->sc.sl_threshold_s = 20.0;
    f->sc.sl_target = 0.80;
    f->sc.max_abandon = 0.05;
    f->sc.max_asa_s = (double)NAN;
    f->sc.max_occupancy = (double)NAN;
    f->sc.n_call_types = N_TYPES;
    f->sc.call_types = f->types;
    f->sc.n_groups = N_GROUPS;
    f->sc.groups = f->groups;
    f->sc.horizon = ACD_HORIZON_DAY;
    f->sc.open_s = 8 * 3600.0;
    f->sc.interval_s = 1800.0;
    f->sc.n_intervals = N_INTERVALS;
    f->sc.close_s = f->sc.open_s + N_INTERVALS * f->sc.interval_s;
    f->r.seed = 987654321;
    f->r.replications = 7;
    f->r.threads = 3;
    fill_scope(&f->r.summary, "", ACD_SCOPE_CENTER, 0.5);
    for (int k = 0; k < N_TYPES; k++)
        fill_scope(&f->type_res[k], f->types[k].name, ACD_SCOPE_TYPE, 0.25 + 0.125 * k);
    fill_scope(&f->group_res[0], f->groups[0].name, ACD_SCOPE_GROUP, 0.875);
    f->r.types = f->type_res;
    f->r.groups = f->group_res;
    /* Service level 81.2% meets 80%; abandon rate 6.1% misses 5%. */
    f->r.summary.metric[ACD_M_SERVICE_LEVEL].mean = 0.8123;
    f->r.summary.metric[ACD_M_ABANDON_RATE].mean = 0.061;
    f->r.summary.metric[ACD_M_WAIT_P90].mean = (double)NAN;
    f->r.summary.metric[ACD_M_WAIT_P90].ci95 = (double)NAN;

    for (int i = 0; i < N_INTERVALS; i++) {
        struct acd_interval_result *iv = &f->iv[i];
        iv->start_s = f->sc.open_s + f->sc.interval_s * i;
        iv->end_s = iv->start_s + f->sc.interval_s;
        fill_scope(&iv->all, "", ACD_SCOPE_INTERVAL, 0.3 + 0.1 * i);
        iv->all.metric[ACD_M_SERVICE_LEVEL].mean = interval_sl[i];
        for (int k = 0; k < N_TYPES; k++)
            fill_scope(&f->iv_types[i][k], f->types[k].name, ACD_SCOPE_TYPE,
                       0.6 + 0.01 * k + 0.1 * i);
        iv->types = f->iv_types[i];
    }
    f->r.n_intervals = N_INTERVALS;
    f->r.intervals = f->iv;
    f->r.calls = 123456789;
    f->r.events = 987654321012;

    f->chart[0] = (struct acd_chart){.name = "service_level",
                                     .title = "Service level <per interval> & target",
                                     .svg = (char *)svg_a,
                                     .png_path = "service_level.png",
                                     .svg_path = "service_level.svg"};
    f->chart[1] =
        (struct acd_chart){.name = "queue_len", .title = "Calls waiting", .svg = (char *)svg_b};
    f->charts.n = N_CHARTS;
    f->charts.v = f->chart;
    *state = f;
    return 0;
}

/* The results with their setup made from the fixture's scenario as it is
 * now (as the run makes it), or none after `no_scenario`. */
static struct acd_results *
results(struct fixture *f)
{
    acd_setup_fini(&f->r.setup);
    if (!f->no_scenario)
        acd_setup_from_scenario(&f->r.setup, &f->sc);
    return &f->r;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    acd_setup_fini(&f->r.setup);
    free(f);
    return 0;
}

/* A steady-state run: no intervals, one measuring window. */
static void
make_steady(struct fixture *f)
{
    f->sc.horizon = ACD_HORIZON_STEADY;
    f->sc.duration_s = 8 * 3600.0;
    f->sc.warmup_s = 1800.0;
    f->sc.n_intervals = 0;
    f->r.n_intervals = 0;
    f->r.intervals = NULL;
}

/* A valid Erlang A comparison. */
static void
add_erlang(struct fixture *f, bool exponential)
{
    f->r.erlang.valid = true;
    f->r.erlang.exponential = exponential;
    f->r.erlang.params = (struct acd_erlang_params){.model = ACD_ERLANG_A,
                                                    .rate_per_s = 120.0 / 3600,
                                                    .aht_s = 240,
                                                    .patience_s = 180,
                                                    .agents = 9,
                                                    .queue_capacity = -1,
                                                    .sl_threshold_s = 20};
    f->r.erlang.value.service_level = 0.7019;
    f->r.erlang.value.abandon_rate = 0.0973;
    f->r.erlang.value.asa_s = 15.04;
    f->r.erlang.value.occupancy = 0.803;
}

static char *
render(const struct acd_results *r, const struct acd_charts *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(acd_html_write(out, r, c), 0);
    assert_int_equal(fclose(out), 0);
    return buf;
}

/* ---------------------------------------------------------------- checker */

static bool
is_void(const char *name, size_t n)
{
    static const char *const void_tags[] = {"meta",  "br",     "hr",    "img",  "input",
                                            "link",  "col",    "wbr",   "area", "base",
                                            "embed", "source", "track", "param"};
    for (size_t i = 0; i < sizeof(void_tags) / sizeof(void_tags[0]); i++)
        if (strlen(void_tags[i]) == n && strncasecmp(name, void_tags[i], n) == 0)
            return true;
    return false;
}

/* Length of the entity at s ("&amp;", "&#183;", "&#x2013;"), 0 if none. */
static size_t
entity_len(const char *s)
{
    size_t i = 1;
    if (s[i] == '#') {
        i++;
        bool hex = s[i] == 'x' || s[i] == 'X';
        i += hex;
        size_t start = i;
        while (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]))
            i++;
        if (i == start)
            return 0;
    } else {
        size_t start = i;
        while (isalnum((unsigned char)s[i]))
            i++;
        if (i == start)
            return 0;
    }
    return s[i] == ';' ? i + 1 : 0;
}

#define MAX_DEPTH 64

/* Fail unless the page is well-formed: every element closed in order
 * (void elements and "/>" need no end tag), quoted attribute values, no
 * raw '<' or '>' in text or values, every '&' an entity. Returns the
 * number of elements. */
static size_t
check_wellformed(const char *html)
{
    struct {
        const char *name;
        size_t n;
    } stack[MAX_DEPTH];
    size_t depth = 0, elements = 0;
    const char *s = html;
    if (strncmp(s, "<!DOCTYPE html>", 15) != 0)
        fail_msg("page does not start with <!DOCTYPE html>");
    while (*s) {
        if (*s == '&') {
            size_t n = entity_len(s);
            if (!n)
                fail_msg("bare '&' at offset %td: %.40s", s - html, s);
            s += n;
            continue;
        }
        if (*s == '>')
            fail_msg("raw '>' in text at offset %td: %.40s", s - html, s);
        if (*s != '<') {
            s++;
            continue;
        }
        if (strncmp(s, "<!--", 4) == 0) {
            const char *e = strstr(s, "-->");
            if (!e)
                fail_msg("unclosed comment");
            s = e + 3;
            continue;
        }
        if (s[1] == '!') {
            s = strchr(s, '>');
            assert_non_null(s);
            s++;
            continue;
        }
        bool end_tag = s[1] == '/';
        const char *name = s + 1 + end_tag;
        size_t n = strcspn(name, " \t\r\n/>");
        if (n == 0)
            fail_msg("raw '<' in text at offset %td: %.40s", s - html, s);
        const char *p = name + n;
        bool self_closing = false;
        /* Attributes: name, optionally = and a quoted value. */
        while (*p && *p != '>') {
            if (*p == '/' && p[1] == '>') {
                self_closing = true;
                p++;
                break;
            }
            if (*p == '"' || *p == '\'') {
                const char *close = strchr(p + 1, *p);
                if (!close)
                    fail_msg("unclosed attribute value at offset %td", p - html);
                for (const char *v = p + 1; v < close; v++) {
                    if (*v == '<' || *v == '>')
                        fail_msg("raw '%c' in attribute at offset %td: %.40s", *v, v - html, p);
                    if (*v == '&' && !entity_len(v))
                        fail_msg("bare '&' in attribute at offset %td: %.40s", v - html, p);
                }
                p = close + 1;
                continue;
            }
            if (*p == '=' && p[1] != '"' && p[1] != '\'')
                fail_msg("unquoted attribute value at offset %td: %.40s", p - html, p);
            p++;
        }
        if (*p != '>')
            fail_msg("unclosed tag at offset %td: %.40s", s - html, s);
        s = p + 1;
        if (end_tag) {
            if (depth == 0)
                fail_msg("</%.*s> closes nothing", (int)n, name);
            depth--;
            if (stack[depth].n != n || strncasecmp(stack[depth].name, name, n) != 0)
                fail_msg("</%.*s> closes <%.*s> at offset %td", (int)n, name, (int)stack[depth].n,
                         stack[depth].name, s - html);
            continue;
        }
        elements++;
        if (self_closing || is_void(name, n))
            continue;
        if (depth == MAX_DEPTH)
            fail_msg("nesting deeper than %d", MAX_DEPTH);
        stack[depth].name = name;
        stack[depth].n = n;
        depth++;
        /* Raw text: the stylesheet is not markup. */
        if (n == 5 && strncasecmp(name, "style", 5) == 0) {
            const char *e = strstr(s, "</style>");
            if (!e)
                fail_msg("unclosed <style>");
            s = e;
        }
    }
    if (depth)
        fail_msg("<%.*s> never closed (%zu open)", (int)stack[depth - 1].n, stack[depth - 1].name,
                 depth);
    return elements;
}

static bool
contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

/* What every page must satisfy, whatever the results. */
static void
check_page(const char *html)
{
    assert_true(check_wellformed(html) > 50);
    assert_false(contains_ci(html, "<script"));
    assert_false(contains_ci(html, "http"));
    assert_null(strstr(html, "nan")); /* a NaN printed raw */
    assert_null(strstr(html, "NaN"));
    assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
    assert_non_null(strstr(html, "name=\"viewport\""));
    size_t len = strlen(html);
    assert_true(len > 0 && html[len - 1] == '\n');
}

/* The text of the element with the given id, up to its first end tag
 * `end`: a window to search in. Caller frees. */
static char *
section(const char *html, const char *id, const char *end)
{
    char key[64];
    snprintf(key, sizeof(key), "id=\"%s\"", id);
    const char *a = strstr(html, key);
    if (!a)
        return NULL;
    const char *b = strstr(a, end);
    assert_non_null(b);
    return strndup(a, (size_t)(b - a));
}

/* ------------------------------------------------------------------ tests */

static void
test_wellformed(void **state)
{
    struct fixture *f = *state;
    char *html = render(results(f), &f->charts);
    check_page(html);
    assert_non_null(strstr(html, "<html lang=\"en\">"));
    assert_non_null(strstr(html, "</html>\n"));
    /* Every section the brief asks for. */
    static const char *const ids[] = {"overview",  "verdict", "targets", "scenario",
                                      "intervals", "sla",     "legend",  "kpis",
                                      "kpi",       "groups",  "charts"};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        char key[64];
        snprintf(key, sizeof(key), "id=\"%s\"", ids[i]);
        if (!strstr(html, key))
            fail_msg("no element %s", key);
    }
    /* No Erlang section unless the results hold a comparison. */
    assert_null(strstr(html, "id=\"erlang\""));
    assert_null(strstr(html, "href=\"#erlang\""));
    free(html);
}

static void
test_wellformed_variants(void **state)
{
    /* Steady state, every chart state, an Erlang comparison, no scenario. */
    struct fixture *f = *state;
    make_steady(f);
    add_erlang(f, true);
    struct acd_charts missing = {.gnuplot_missing = true};
    struct acd_charts failed = {.error = "line 3: undefined variable: <x> & \"y\""};
    struct acd_charts none = {0};
    const struct acd_charts *variants[] = {&f->charts, &missing, &failed, &none, NULL};
    for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
        char *html = render(results(f), variants[i]);
        check_page(html);
        free(html);
    }
    f->no_scenario = true;
    f->r.types = NULL;
    f->r.groups = NULL;
    char *html = render(results(f), NULL);
    check_page(html);
    assert_non_null(strstr(html, "Unnamed scenario"));
    assert_non_null(strstr(html, "<div class=\"label\">Service level (of offered)</div>"));
    free(html);
}

static void
test_names_escaped(void **state)
{
    struct fixture *f = *state;
    f->charts.error = "gnuplot: <bad> & \"worse\"";
    char *html = render(results(f), &f->charts);
    check_page(html);
    /* The raw names never appear; their escaped forms do, in the KPI
     * table's column headings and the scenario summary. */
    assert_null(strstr(html, EVIL_TYPE));
    assert_null(strstr(html, "<b>\"x"));
    assert_null(strstr(html, EVIL_GROUP));
    assert_null(strstr(html, "alert(1)</script>"));
    char *kpi = section(html, "kpi", "</table>");
    assert_non_null(kpi);
    assert_non_null(strstr(kpi, "<th scope=\"col\">" EVIL_TYPE_ESC "</th>"));
    free(kpi);
    char *groups = section(html, "groups", "</table>");
    assert_non_null(groups);
    assert_non_null(strstr(groups, "team &lt;&amp;&gt;"));
    free(groups);
    const char *esc_name = "Center &quot;A&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; co";
    char title[256];
    snprintf(title, sizeof(title), "<title>%s", esc_name);
    assert_non_null(strstr(html, title));
    snprintf(title, sizeof(title), "<h1>%s</h1>", esc_name);
    assert_non_null(strstr(html, title));
    assert_non_null(strstr(html, "scenarios/&lt;test&gt;.yaml"));
    assert_non_null(strstr(html, "Service level &lt;per interval&gt; &amp; target"));
    assert_non_null(strstr(html, "gnuplot: &lt;bad&gt; &amp; &quot;worse&quot;"));
    free(html);
}

static void
test_interval_verdicts(void **state)
{
    struct fixture *f = *state;
    char *html = render(results(f), &f->charts);
    char *table = section(html, "sla", "</table>");
    assert_non_null(table);
    const char *body = strstr(table, "<tbody>");
    assert_non_null(body);
    /* One row per interval in time order, with its class, its mark and
     * its word: colour is not the only signal. */
    static const char *const words[N_INTERVALS] = {"\u2713</span> met", "\u2717</span> missed",
                                                   "\u2013</span> n/a"};
    static const char *const when[N_INTERVALS] = {"08:00\u201308:30", "08:30\u201309:00",
                                                  "09:00\u201309:30"};
    const char *p = body;
    for (int i = 0; i < N_INTERVALS; i++) {
        char want[64];
        snprintf(want, sizeof(want), "<tr class=\"%s\"><td>%s</td>", interval_class[i], when[i]);
        const char *row = strstr(p, "<tr");
        assert_non_null(row);
        if (strncmp(row, want, strlen(want)) != 0)
            fail_msg("interval %d: row starts %.60s, want %s", i, row, want);
        const char *row_end = strstr(row, "</tr>");
        char *r = strndup(row, (size_t)(row_end - row));
        char badge[64];
        snprintf(badge, sizeof(badge), "<span class=\"badge %s\">", interval_class[i]);
        assert_non_null(strstr(r, badge));
        assert_non_null(strstr(r, words[i]));
        free(r);
        p = row_end;
    }
    assert_null(strstr(p, "<tr"));
    free(table);

    /* The strip of tiles says the same, in the same order. */
    char *strip = section(html, "intervals", "</ol>");
    const char *li = strstr(strip, "<ol class=\"strip\"");
    assert_non_null(li);
    for (int i = 0; i < N_INTERVALS; i++) {
        li = strstr(li + 1, "<li class=\"");
        assert_non_null(li);
        assert_int_equal(strncmp(li + 11, interval_class[i], strlen(interval_class[i])), 0);
    }
    free(strip);

    /* The legend names all three states, and the overview counts them. */
    char *legend = section(html, "legend", "</div>");
    for (int i = 0; i < N_INTERVALS; i++) {
        char badge[64];
        snprintf(badge, sizeof(badge), "<span class=\"badge %s\">", interval_class[i]);
        assert_non_null(strstr(legend, badge));
    }
    free(legend);
    assert_non_null(strstr(html, "Service level goal met in 1 of 2 intervals; missed "
                                 "08:30\u201309:00."));
    free(html);
}

static void
test_steady_window(void **state)
{
    struct fixture *f = *state;
    make_steady(f);
    char *html = render(results(f), &f->charts);
    check_page(html);
    char *table = section(html, "sla", "</table>");
    /* The summary's 81.2% meets the 80% goal. */
    assert_non_null(strstr(table, "<tr class=\"met\"><td>Measuring window</td>"));
    free(table);
    assert_null(strstr(html, "class=\"strip\""));
    assert_non_null(strstr(html, "Steady state, 8h per replication (30m warm-up)"));
    free(html);
}

static void
test_targets_verdict(void **state)
{
    struct fixture *f = *state;
    char *html = render(results(f), &f->charts);
    char *banner = section(html, "verdict", "</div></div>");
    assert_non_null(strstr(banner, "class=\"banner missed\""));
    assert_non_null(strstr(banner, "1 of 2 targets missed"));
    free(banner);
    char *targets = section(html, "targets-table", "</table>");
    assert_non_null(strstr(targets, "<tr class=\"met\"><td>Service level (20s)"));
    assert_non_null(strstr(targets, "<tr class=\"missed\"><td>Abandon rate"));
    assert_null(strstr(targets, "Occupancy")); /* no goal given */
    free(targets);

    f->r.summary.metric[ACD_M_ABANDON_RATE].mean = 0.04;
    free(html);
    html = render(results(f), &f->charts);
    banner = section(html, "verdict", "</div></div>");
    assert_non_null(strstr(banner, "class=\"banner met\""));
    assert_non_null(strstr(banner, "All 2 targets met"));
    free(banner);
    free(html);
}

static void
test_charts_missing(void **state)
{
    struct fixture *f = *state;
    struct acd_charts missing = {.gnuplot_missing = true};
    char *html = render(results(f), &missing);
    char *charts = section(html, "charts", "</section>");
    assert_non_null(strstr(charts, "id=\"charts-missing\""));
    assert_non_null(strstr(charts, "gnuplot was not found"));
    assert_null(strstr(charts, "<svg"));
    assert_null(strstr(charts, "<figure"));
    free(charts);
    free(html);

    html = render(results(f), NULL);
    charts = section(html, "charts", "</section>");
    assert_non_null(strstr(charts, "id=\"charts-missing\""));
    assert_null(strstr(charts, "<svg"));
    free(charts);
    free(html);

    /* gnuplot failed on the second chart: its error is shown and the first
     * chart still is. */
    f->chart[1].svg = NULL;
    f->charts.error = "queue_len.gp: line 7: all points y value undefined!";
    html = render(results(f), &f->charts);
    charts = section(html, "charts", "</section>");
    assert_non_null(strstr(charts, "id=\"charts-error\""));
    assert_non_null(strstr(charts, "line 7: all points y value undefined!"));
    assert_non_null(strstr(charts, "id=\"chart-service_level\""));
    assert_null(strstr(charts, "id=\"chart-queue_len\""));
    free(charts);
    free(html);
}

static void
test_charts_embedded(void **state)
{
    struct fixture *f = *state;
    char *html = render(results(f), &f->charts);
    check_page(html);
    char *charts = section(html, "charts", "</section>");
    assert_null(strstr(charts, "<?xml"));
    assert_null(strstr(charts, "<!DOCTYPE"));
    assert_null(strstr(charts, "xmlns"));
    assert_null(strstr(charts, "notice"));
    /* Both figures, in order, with their captions. */
    const char *a = strstr(charts, "<figure id=\"chart-service_level\">");
    const char *b = strstr(charts, "<figure id=\"chart-queue_len\">");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b);
    assert_non_null(strstr(charts, "<strong>Figure 1.</strong> Service level &lt;per"));
    assert_non_null(strstr(charts, "<strong>Figure 2.</strong> Calls waiting"));
    assert_non_null(strstr(charts, "href=\"service_level.png\""));
    /* Each chart's ids and references carry its own prefix, so the second
     * chart's gpPat1 is not the first's. */
    assert_non_null(strstr(charts, "id='c1-gpPt1'"));
    assert_non_null(strstr(charts, "xlink:href='#c1-gpPt1'"));
    assert_non_null(strstr(charts, "fill='url(#c1-gpPat1)'"));
    assert_non_null(strstr(charts, "id=\"c1-gnuplot_canvas\""));
    assert_non_null(strstr(charts, "id='c2-gpPat1'"));
    assert_non_null(strstr(charts, "fill='url(#c2-gpPat1)'"));
    assert_non_null(strstr(charts, "href=\"#c2-gpPat1\""));
    assert_null(strstr(charts, "'#gp"));
    assert_null(strstr(charts, "url(#gp"));
    /* Text and other attributes pass unchanged. */
    assert_non_null(strstr(charts, "<svg width=\"600\" height=\"400\" viewBox=\"0 0 600 400\""));
    assert_non_null(strstr(charts, "service level &amp; target</text>"));
    free(charts);
    free(html);

    /* An SVG that could run a script is not inlined. */
    static const char evil[] = "<svg onload=\"alert(1)\"><script>alert(2)</script></svg>";
    f->chart[1].svg = (char *)evil;
    html = render(results(f), &f->charts);
    check_page(html);
    assert_null(strstr(html, "alert(2)"));
    assert_null(strstr(html, "onload"));
    assert_null(strstr(html, "id=\"chart-queue_len\""));
    free(html);
}

static void
test_feature_rows(void **state)
{
    /* A plain scenario keeps its short table; a feature's rows appear only
     * when the scenario uses it (as in the text report). */
    struct fixture *f = *state;
    char *html = render(results(f), &f->charts);
    char *kpi = section(html, "kpi", "</table>");
    assert_non_null(strstr(kpi, ">Service level (of offered)</th>"));
    assert_non_null(strstr(kpi, ">Offered calls</th>"));
    assert_null(strstr(kpi, "First-call resolution"));
    assert_null(strstr(kpi, "Escalated"));
    free(kpi);
    free(html);

    f->resolution = (struct acd_resolution){.tier = 1, .p_resolve = 0.8};
    f->types[0].n_resolution = 1;
    f->types[0].resolution = &f->resolution;
    html = render(results(f), &f->charts);
    check_page(html);
    kpi = section(html, "kpi", "</table>");
    assert_non_null(strstr(kpi, ">First-call resolution</th>"));
    assert_null(strstr(kpi, "Escalated"));
    free(kpi);
    free(html);
}

static void
test_kpi_values(void **state)
{
    /* Values in the text report's units: percent with the CI in points,
     * seconds, whole calls with separators; n/a for an undefined mean. */
    struct fixture *f = *state;
    f->r.summary.metric[ACD_M_OFFERED].mean = 12345.4;
    f->r.summary.metric[ACD_M_OFFERED].ci95 = 67.2;
    f->r.summary.metric[ACD_M_ASA].mean = 12.34;
    f->r.summary.metric[ACD_M_ASA].ci95 = 1.26;
    char *html = render(results(f), &f->charts);
    char *kpi = section(html, "kpi", "</table>");
    assert_non_null(strstr(kpi, "<td>81.2%<span class=\"ci\">\u00b1 "));
    assert_non_null(strstr(kpi, "<td>12,345<span class=\"ci\">\u00b1 67</span></td>"));
    assert_non_null(strstr(kpi, "<td>12.3s<span class=\"ci\">\u00b1 1.3s</span></td>"));
    assert_non_null(strstr(kpi, "<span class=\"nil\">n/a</span>"));
    free(kpi);
    free(html);
}

static void
test_erlang(void **state)
{
    struct fixture *f = *state;
    make_steady(f);
    add_erlang(f, true);
    char *html = render(results(f), &f->charts);
    check_page(html);
    char *e = section(html, "erlang", "</section>");
    assert_non_null(e);
    assert_non_null(strstr(e, "Erlang A (M/M/c+M), 120 calls/h, mean handle time 4m, mean "
                              "patience 3m, 9 agents."));
    assert_non_null(strstr(e, "<strong>Exact.</strong>"));
    assert_non_null(strstr(e, "<td>70.2%</td>"));
    assert_non_null(strstr(e, "<td>15.0s</td>"));
    assert_non_null(strstr(e, ">Abandoned</th>"));
    assert_null(strstr(e, ">Busy signals</th>")); /* no waiting-room limit */
    free(e);
    assert_non_null(strstr(html, "href=\"#erlang\""));
    free(html);

    f->r.erlang.exponential = false;
    html = render(results(f), &f->charts);
    e = section(html, "erlang", "</section>");
    assert_non_null(strstr(e, "<strong>Approximation.</strong>"));
    assert_null(strstr(e, "Exact."));
    free(e);
    free(html);
}

static void
test_deterministic(void **state)
{
    /* No clock, no wall time: the same results give the same bytes. */
    struct fixture *f = *state;
    char *a = render(results(f), &f->charts);
    char *b = render(results(f), &f->charts);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void
test_write_error(void **state)
{
    struct fixture *f = *state;
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        skip();
    assert_int_equal(acd_html_write(full, results(f), &f->charts), -1);
    fclose(full);
    FILE *ro = fopen("/dev/null", "r");
    assert_non_null(ro);
    assert_int_equal(acd_html_write(ro, results(f), &f->charts), -1);
    fclose(ro);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_wellformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wellformed_variants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names_escaped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interval_verdicts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_steady_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_targets_verdict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_charts_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_charts_embedded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feature_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kpi_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_erlang, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
