# sweep_pareto.gp - `acdsim sweep`: cost against service level, one point
# per grid point (its service level's 95% CI as a bar), the Pareto front
# (no other point has a service level at least as high for at most the
# cost) marked and joined.
#
# datafile: block 0 every point, block 1 the front by increasing cost:
#   1 cost (or agent-hours without costs)   2 service level
#   3 its CI half width   4 the cost's CI half width   5 the point (string)
# Uses: scenario, param1, param2, cost_label, sweep_sl_target (NaN: none)
# (set by acdsim sweep).

eval house_style
set title sprintf("%s against service level\n%s", cost_label, scenario)
set xlabel 'Service level (%)'
set ylabel cost_label
set key outside right top vertical
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
if (defined(sweep_sl_target)) { \
    set arrow 1 from pct(sweep_sl_target), graph 0 to pct(sweep_sl_target), graph 1 nohead \
        lc rgb target_color lw 2 dt 2 }

plot datafile index 0 using (pct($2)):1:(pct(lo($2, $3))):(pct(hi($2, $3))) with xerrorbars \
         lt 8 pt 7 ps 0.8 title 'Grid points', \
     datafile index 1 using (pct($2)):1 with linespoints lt 6 lw 2 pt 7 ps 1.6 title 'Pareto front', \
     datafile index 1 using (pct($2)):1:5 with labels offset char 1, char 0.8 left font ',8' notitle
