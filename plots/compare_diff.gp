# compare_diff.gp - `acdsim compare --out`: the paired difference of the
# service level per interval, each scenario minus A (the whole center),
# with its 95% confidence interval as a band. Where the band excludes 0
# the change is significant.
#
# datafile: one block per compared scenario (B, C...), blocks separated
# by two blank lines. One line per interval:
#   1 interval midpoint (s after midnight)
#   2 difference of the service level (a fraction, X - A)
#   3 half width of its 95% confidence interval
# Uses: scenario, open_s, close_s, interval_s, n_diff,
# diffs[1..n_diff] (the legend: "B - A", ...).

eval house_style
eval clock_axis
set title sprintf("Service level difference per interval with its 95%% CI (percentage points)\n%s", scenario)
set xlabel 'Interval (clock time)'
set ylabel 'Difference (percentage points)'
set xrange [open_s:close_s]
set key outside right top vertical
set style fill transparent solid 0.25 noborder

plot 0 with lines lc rgb center_color lw 1 dt 2 notitle, \
     for [k = 0:n_diff - 1] datafile index k using 1:(pct(lo($2, $3))):(pct(hi($2, $3))) \
         with filledcurves lt k + 2 notitle, \
     for [k = 0:n_diff - 1] datafile index k using 1:(pct($2)) with linespoints lt k + 2 \
         title diffs[k + 1], \
     @keep_y1
