# wait_times.gp - average speed of answer (ASA) and 90th-percentile wait
# per interval, with 95% confidence intervals: the center and each call
# type, in two panels sharing one legend.
#
# datafile: one block per series (gnuplot's `index`): block 0 the whole
# center, block k call type types[k]. One line per interval:
#   1 interval midpoint (s after midnight)
#   2 ASA: mean wait of answered calls (s)   3 its CI half width
#   4 90th percentile of the wait of all offered calls (s)   5 its CI
# Uses: scenario, open_s, close_s, interval_s, threshold_s, max_asa_s,
# n_types, types.

eval house_style
eval clock_axis
set xrange [open_s:close_s]
set yrange [0:*]
set xlabel 'Interval (clock time)'
# Half-width panels: a tick every hour (two on a long day), not every 30 min.
tick_s = (close_s - open_s > 8 * 3600) ? 7200 : 3600
set xtics tick_s
set tmargin at screen 0.84
set bmargin at screen 0.12
n_series = (n_types > 1) ? n_types + 1 : 1
dx(k) = (k - (n_series - 1) / 2.0) * interval_s * 0.07
pos(y) = y < 0 ? 0 : y
# Targets are labelled on their line: one legend (right) serves both panels.
# On a white box at the right end, readable over the curves.
set style textbox opaque noborder margins 1, 1
target_label(text, y) = sprintf("set label 1 '%s' at graph 0.99, first %.17g right offset 0, 0.8 front boxed textcolor rgb target_color", text, y)

set multiplot title sprintf("Speed of answer per interval\n%s", scenario)

set lmargin at screen 0.07
set rmargin at screen 0.44
set key off
set title 'Average speed of answer (answered calls)'
set ylabel 'ASA (s)'
if (defined(max_asa_s)) {
    eval target_label(sprintf('ASA target %g s', max_asa_s), max_asa_s)
}
# (With one call type, the type is the center: its loop draws nothing.)
plot datafile index 0 using ($1 + dx(0)):2:(pos(lo($2, $3))):(hi($2, $3)) \
         with yerrorlines lc rgb center_color lw 3 pt 7, \
     for [k = 1:(n_types > 1 ? n_types : 0)] datafile index k \
         using ($1 + dx(k)):2:(pos(lo($2, $3))):(hi($2, $3)) with yerrorlines lt k, \
     (defined(max_asa_s) ? max_asa_s : NaN) with lines lc rgb target_color lw 2 dt 2, \
     @keep_y1

set lmargin at screen 0.52
set rmargin at screen 0.84
set key outside right top vertical
set title '90th percentile of the wait (all calls)'
set ylabel 'Wait (s)'
eval target_label(sprintf('Service-level threshold %g s', threshold_s), threshold_s)
plot datafile index 0 using ($1 + dx(0)):4:(pos(lo($4, $5))):(hi($4, $5)) \
         with yerrorlines lc rgb center_color lw 3 pt 7 title 'Whole center', \
     for [k = 1:(n_types > 1 ? n_types : 0)] datafile index k \
         using ($1 + dx(k)):4:(pos(lo($4, $5))):(hi($4, $5)) with yerrorlines lt k title types[k], \
     threshold_s with lines lc rgb target_color lw 2 dt 2 notitle, \
     @keep_y1

unset multiplot
