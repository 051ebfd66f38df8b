# compare_service_level.gp - `acdsim compare --out`: the service level per
# interval of every compared scenario (the whole center), with the 95%
# confidence intervals of each run.
#
# datafile: one block per scenario (A first, then B, C...), blocks
# separated by two blank lines (gnuplot's `index`). One line per interval:
#   1 interval midpoint (s after midnight)
#   2 service level (a fraction)
#   3 half width of its 95% confidence interval
# Uses: scenario (the title line), open_s, close_s, interval_s,
# sl_target, n_scen, scen[1..n_scen] (the legend: "A: name", ...).

eval house_style
eval clock_axis
set title sprintf("Service level per interval, every scenario (%% of offered calls)\n%s", scenario)
set xlabel 'Interval (clock time)'
set ylabel 'Service level (%)'
set xrange [open_s:close_s]
set yrange [0:105]
set ytics 0, 10, 100
set key inside right bottom vertical opaque box
dx(k) = (k - (n_scen - 1) / 2.0) * interval_s * 0.08
sl(y) = pct(clamp(y, 0, 1))

plot for [k = 1:(defined(sl_target) ? 1 : 0)] pct(sl_target) with lines lc rgb target_color lw 2 dt 2 \
         title sprintf('Target %g%%', pct(sl_target)), \
     for [k = 0:n_scen - 1] datafile index k using ($1 + dx(k)):(sl($2)):(sl(lo($2, $3))):(sl(hi($2, $3))) \
         with yerrorlines lt k + 1 title scen[k + 1]
