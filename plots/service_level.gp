# service_level.gp - service level per interval against the target, with
# 95% confidence intervals, for the whole center and each call type.
#
# datafile: one block per series, blocks separated by two blank lines
# (gnuplot's `index`): block 0 is the whole center, block k call type
# types[k]. One line per interval:
#   1 interval midpoint (s after midnight)
#   2 service level: share of offered calls answered within threshold_s
#   3 half width of its 95% confidence interval
# Uses: scenario, open_s, close_s, interval_s, threshold_s, sl_target,
# n_types, types (see common.gp).

eval house_style
eval clock_axis
set title sprintf("Service level per interval: answered within %g s (%% of offered calls)\n%s", threshold_s, scenario)
set xlabel 'Interval (clock time)'
set ylabel 'Service level (%)'
set xrange [open_s:close_s]
set yrange [0:105]
set ytics 0, 10, 100
set key outside right top vertical

# Series side by side inside an interval, so the error bars do not overlap.
n_series = (n_types > 1) ? n_types + 1 : 1
dx(k) = (k - (n_series - 1) / 2.0) * interval_s * 0.07
sl(y) = pct(clamp(y, 0, 1))
# With one call type, the type is the center: its loop draws nothing, and
# comes last (gnuplot keeps an empty legend slot for such a loop).

plot pct(sl_target) with lines lc rgb target_color lw 2 dt 2 \
         title sprintf('Target %g%%', pct(sl_target)), \
     datafile index 0 using ($1 + dx(0)):(sl($2)):(sl(lo($2, $3))):(sl(hi($2, $3))) \
         with yerrorlines lc rgb center_color lw 3 pt 7 title 'Whole center', \
     for [k = 1:(n_types > 1 ? n_types : 0)] datafile index k \
         using ($1 + dx(k)):(sl($2)):(sl(lo($2, $3))):(sl(hi($2, $3))) \
         with yerrorlines lt k title types[k]
