# days_heatmap.gp - a period (`days:`): one figure per interval and day, as
# a heat map (rows: the days, top to bottom; columns: the clock time of
# the interval on its day). Drawn twice, for the service level and for the
# occupancy (heat_title, heat_good_high).
#
# datafile: one line per interval of the period:
#   1 the interval's midpoint on its day's clock (s after midnight)
#   2 the day's index (0 = the first day)
#   3 the figure (a fraction), NaN when undefined (no call, nobody on duty)
# Uses: scenario, interval_s, heat_title, heat_good_high (1: high is good,
# green; 0: high is hot, red), n_days, days[1..n_days] (the days' labels),
# set by acdsim.

eval house_style
set title sprintf("%s per interval and day\n%s", heat_title, scenario)
eval clock_axis
set xlabel 'Interval (clock time)'
set ylabel ''
set yrange [n_days - 0.5:-0.5]
set ytics () nomirror
do for [d = 1:n_days] { set ytics add (days[d] d - 1) }
set cbrange [0:100]
set cblabel sprintf('%s (%%)', heat_title)
if (heat_good_high) {
    set palette defined (0 '#C0392B', 50 '#F1C40F', 100 '#27AE60')
} else {
    set palette defined (0 '#27AE60', 50 '#F1C40F', 100 '#C0392B')
}
set style fill solid 1.0 noborder
unset key
unset grid
plot datafile using 1:2:(interval_s / 2):(0.5):(pct(clamp($3, 0, 1))) \
    with boxxyerror fc palette notitle
