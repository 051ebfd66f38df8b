# wait_cdf.gp - waiting-time distribution (CDF) of answered and of
# abandoned calls, whole center, with the service-level threshold marked.
#
# datafile: one line per point of the wait axis:
#   1 wait x (s)
#   2 share of answered calls that waited at most x
#   3 share of abandoned calls that hung up within x (NaN: none abandoned)
# each the mean over the replications of one replication's share.
# Uses: scenario, threshold_s; has_abandoned (0 if column 3 is all NaN).

eval house_style
set title sprintf("Waiting-time distribution (cumulative)\n%s", scenario)
set xlabel 'Waiting time x (s)'
set ylabel 'Calls with a wait of at most x (%)'
set xrange [0:*]
set autoscale xfixmax   # the axis ends where the wait grid ends
set yrange [0:105]
set ytics 0, 10, 100
set key bottom right

set arrow 1 from threshold_s, graph 0 to threshold_s, graph 1 nohead \
    lc rgb target_color lw 2 dt 2 front
set label 1 sprintf(' Threshold %g s', threshold_s) at threshold_s, graph 0.95 \
    left textcolor rgb target_color front

plot datafile using 1:(pct($2)) with lines lt 1 lw 2.5 title 'Answered calls: answered within x', \
     for [k = 1:has_abandoned] datafile using 1:(pct($3)) with lines lt 6 lw 2.5 \
         title 'Abandoned calls: hung up within x'
