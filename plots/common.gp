# common.gp - what every acdsim chart shares.
#
# How acdsim draws a chart NAME: it writes NAME's data to a file and runs
# gnuplot (`gnuplot -d`, no init file) on one script made of
#   1. this file,
#   2. the variables below (with the values of this run),
#   3. NAME.gp once with `set terminal pngcairo`, then `reset` and NAME.gp
#      again with `set terminal svg` (reset keeps variables and line types).
# To redraw a chart by hand, set the variables and `load` the files in the
# same order.
#
# Variables set by acdsim for every chart:
#   datafile     the chart's data file (its layout is in NAME.gp)
#   scenario     the scenario's name
#   day          1: an operating day (intervals, clock time); 0: steady state
#   open_s, close_s, interval_s
#                opening and closing time (seconds after midnight) and the
#                interval length (s); operating day only
#   threshold_s  service-level threshold T (s)
#   sl_target    service-level target (a fraction, e.g. 0.8)
#   max_asa_s, max_abandon, max_occupancy
#                the scenario's targets; NaN when not given
#   n_types, types[1..n_types]      call type names, scenario order
#   n_groups, groups[1..n_groups]   agent group names, scenario order
# Shares (service level, occupancy...) are stored as fractions and drawn
# as percentages. An undefined value (no call in an interval, one
# replication's confidence interval) is NaN, which gnuplot leaves out.

# Line types 1..10: one colour per call type or agent group, in scenario
# order (Okabe-Ito, a palette that colour-blind readers can tell apart,
# then Tableau). The whole center is near-black, targets red.
set linetype 1  lc rgb '#0072B2' lw 2 pt 7  ps 0.8
set linetype 2  lc rgb '#E69F00' lw 2 pt 5  ps 0.8
set linetype 3  lc rgb '#009E73' lw 2 pt 9  ps 0.9
set linetype 4  lc rgb '#CC79A7' lw 2 pt 11 ps 0.9
set linetype 5  lc rgb '#56B4E9' lw 2 pt 13 ps 0.9
set linetype 6  lc rgb '#D55E00' lw 2 pt 7  ps 0.8
set linetype 7  lc rgb '#8C564B' lw 2 pt 5  ps 0.8
set linetype 8  lc rgb '#7F7F7F' lw 2 pt 9  ps 0.9
set linetype 9  lc rgb '#BCBD22' lw 2 pt 11 ps 0.9
set linetype 10 lc rgb '#17BECF' lw 2 pt 13 ps 0.9
set linetype cycle 10
center_color = '#222222'
target_color = '#C0392B'
band_color = '#9ECAE1'

pct(x) = 100.0 * x
defined(x) = (x == x)                # false for NaN
lo(y, ci) = defined(ci) ? y - ci : y # confidence interval ends; without
hi(y, ci) = defined(ci) ? y + ci : y #   a CI the bar shrinks to the point
ci0(ci) = defined(ci) ? ci : 0       # the same for histogram error bars
clamp(x, a, b) = x < a ? a : x > b ? b : x

# `eval clock_axis`: x holds seconds after midnight, shown as 07:30.
clock_axis = "set xdata time; set timefmt '%s'; set format x '%H:%M'"
# `keep_y1`, last in a plot command: an invisible y = 1 that keeps an
# all-zero series from being an empty y range (a gnuplot warning).
keep_y1 = "1 with lines lt nodraw notitle"
# `eval house_style`: light grid, axes on the left and bottom only.
house_style = "set grid xtics ytics lc rgb '#DDDDDD' lw 1 dt 1; set border 3 lc rgb '#555555'; set tics nomirror out scale 0.5; set key noopaque nobox"
