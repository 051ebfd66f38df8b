# agents.gp - agents per interval: staffed against busy for each agent
# group (top), and occupancy with its 95% confidence interval (bottom).
#
# datafile: one block per series (gnuplot's `index`): block 0 the whole
# center, block g agent group groups[g]. One line per interval (means over
# the replications):
#   1 interval midpoint (s after midnight)
#   2 staffed agents (logged on, not on break)   3 busy agents (talk + wrap-up)
#   4 occupancy: busy / staffed agent time   5 its CI half width
# Uses: scenario, open_s, close_s, interval_s, max_occupancy, n_groups,
# groups.

eval house_style
eval clock_axis
set xrange [open_s:close_s]
set key outside right top vertical
set lmargin 10
set rmargin 26

set multiplot layout 2, 1 title sprintf("Agents per interval\n%s", scenario)

set title 'Staffed (bars across each interval) and busy (points) agents'
set ylabel 'Agents'
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0   # the staffing line off the top border
unset xlabel
# Staffing holds for a whole interval: a flat line across it (x from, y,
# length, 0), not a line between interval midpoints.
plot for [g = 1:n_groups] datafile index g \
         using ($1 - interval_s / 2):2:(interval_s):(0) with vectors nohead lt g lw 3 \
         title groups[g] . ' staffed', \
     for [g = 1:n_groups] datafile index g using 1:3 with linespoints lt g lw 1 dt 2 \
         title groups[g] . ' busy'

set title 'Occupancy (share of staffed time busy)'
set ylabel 'Occupancy (%)'
set xlabel 'Interval (clock time)'
set offsets 0, 0, 0, 0
set yrange [0:105]
occ(y) = pct(clamp(y, 0, 1))
n_series = (n_groups > 1) ? n_groups + 1 : 1
dx(k) = (k - (n_series - 1) / 2.0) * interval_s * 0.07
# (Curves drawn only sometimes come last: gnuplot keeps an empty legend
# slot for a loop that draws nothing.)
plot datafile index 0 using ($1 + dx(0)):(occ($4)):(occ(lo($4, $5))):(occ(hi($4, $5))) \
         with yerrorlines lc rgb center_color lw 3 pt 7 title 'Whole center', \
     for [g = 1:(n_groups > 1 ? n_groups : 0)] datafile index g \
         using ($1 + dx(g)):(occ($4)):(occ(lo($4, $5))):(occ(hi($4, $5))) \
         with yerrorlines lt g title groups[g], \
     for [k = 1:(defined(max_occupancy) ? 1 : 0)] pct(max_occupancy) with lines \
         lc rgb target_color lw 2 dt 2 title sprintf('Max. occupancy %g%%', pct(max_occupancy))

unset multiplot
