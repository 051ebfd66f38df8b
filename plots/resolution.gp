# resolution.gp - first-call resolution, escalation and repeat calls per
# call type (left), and the escalated share of each tier (right).
#
# datafile:
#   block 0, one line per row of rows[] ("All calls", then each call type):
#     1 first-call resolution (share of issues)   2 its CI half width
#     3 escalated (share of answered calls)       4 its CI
#     5 repeat calls (share of offered calls)     6 its CI
#   block 1, one line per tier of tiers[] ("Tier 2"; its agent groups in
#   tier_groups[], e.g. "csr3, supervisors"):
#     1 escalated share of the calls the tier's groups answered
# Uses: scenario, n_rows, rows, n_tiers, tiers, tier_groups.

eval house_style
set style data histograms
set style histogram errorbars gap 1 lw 1.5
set style fill solid 0.85 noborder
set errorbars lc rgb center_color lw 1.5   # histogram error bars: dark on the bar
set yrange [0:119]   # room for the legend above 100%
set ytics 0, 20, 100
set ylabel 'Share (%)'
set grid noxtics
set xtics scale 0
set bmargin 4        # room for two-line tier labels

if (n_tiers > 1) {
    set multiplot layout 1, 2 title sprintf("Resolution and escalation\n%s", scenario)
    set size 0.64, 0.9
    set origin 0, 0
} else {
    set title sprintf("Resolution and escalation\n%s", scenario)
}
set key top left horizontal
set xrange [-0.5:n_rows - 0.5]
plot datafile index 0 using (pct($1)):(pct(ci0($2))):xtic(rows[int($0) + 1]) \
         lt 3 title 'First-call resolution (of issues)', \
     '' index 0 using (pct($3)):(pct(ci0($4))) lt 2 title 'Escalated (of answered)', \
     '' index 0 using (pct($5)):(pct(ci0($6))) lt 6 title 'Repeat calls (of offered)'

if (n_tiers > 1) {
    set size 0.36, 0.9
    set origin 0.64, 0
    set style histogram clustered gap 1
    set title 'Escalated, by tier (of calls answered)'
    set yrange [0:*]
    set ytics autofreq
    set key off
    set xrange [-0.5:n_tiers - 0.5]
    plot datafile index 1 using (pct($1)):xtic(tiers[int($0) + 1] . "\n" . tier_groups[int($0) + 1]) lt 2, \
         @keep_y1
    unset multiplot
}
