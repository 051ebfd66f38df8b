# sweep_kpi.gp - `acdsim sweep`: a KPI of the whole center against the
# first swept parameter, with its 95% confidence interval as a band; one
# line per value of the second parameter (if any). Every point ran with
# the same seed (common random numbers).
#
# datafile: one block per value of the second parameter (blocks separated
# by two blank lines, in the order of block_names), one line per value of
# the first parameter:
#   1 x (the value, or its index when the values are not all numbers)
#   2 the KPI's mean   3 its CI half width   4 the value as set (a string)
# Uses: scenario, param1, param2 ('' with one parameter), n_blocks,
# block_names[1..n_blocks], kpi_label, kpi_ratio (1: a share, drawn in %),
# kpi_is_sl, sweep_sl_target (NaN: none), numeric_x (set by acdsim sweep).

eval house_style
set title sprintf("%s against %s\n%s", kpi_label, param1, scenario)
set xlabel param1
set ylabel kpi_ratio ? sprintf('%s (%%)', kpi_label) : kpi_label
set key inside right bottom vertical
sc(y) = kpi_ratio ? pct(y) : y
if (kpi_ratio) { set yrange [0:105] } else { set yrange [0:*] }
xt = numeric_x ? '' : ':xtic(4)'   # the values as tic labels when not numbers
set offsets graph 0.03, graph 0.03, 0, 0

plot for [b = 1:n_blocks] datafile index (b - 1) using 1:(sc(lo($2, $3))):(sc(hi($2, $3))) \
         with filledcurves lt b fs transparent solid 0.2 noborder notitle, \
     for [b = 1:n_blocks] datafile index (b - 1) using 1:(sc($2))@xt \
         with linespoints lt b lw 2 \
         title (n_blocks > 1 ? sprintf('%s = %s', param2, block_names[b]) : kpi_label), \
     for [k = 1:((kpi_is_sl && defined(sweep_sl_target)) ? 1 : 0)] pct(sweep_sl_target) with lines \
         lc rgb target_color lw 2 dt 2 title sprintf('Target %g%%', pct(sweep_sl_target))
