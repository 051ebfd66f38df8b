# erlang.gp - the simulation against the exact Erlang formula for a
# stationary one-type scenario: shares (left) and waiting times (right);
# bars are the simulation's means with 95% confidence intervals, diamonds
# the Erlang values.
#
# datafile:
#   block 0, one line per share in shares[]; block 1, one per time in times[]:
#     1 simulation mean   2 its CI half width   3 Erlang value
#   (shares as fractions, times in seconds)
# Uses: scenario, model ("Erlang A"...), exact (1: exponential handle
# times and patience, so the formula is exact; 0: an approximation),
# n_shares, shares, n_times, times.

eval house_style
set style data histograms
set style histogram errorbars gap 1 lw 1.5
set style fill solid 0.85 noborder
set errorbars lc rgb center_color lw 1.5   # histogram error bars: dark on the bar
set grid noxtics
set xtics scale 0
set key top right
what = exact ? 'exact' : 'approximation: handle times or patience not exponential'

if (n_times > 0) {
    set multiplot layout 1, 2 title sprintf("Simulation against %s (%s)\n%s", model, what, scenario)
    set title 'Shares'
} else {
    set title sprintf("Simulation against %s (%s)\n%s", model, what, scenario)
}
set ylabel 'Share (%)'
set yrange [0:119]   # room for the legend above 100%
set ytics 0, 20, 100
set xrange [-0.5:n_shares - 0.5]
plot datafile index 0 using (pct($1)):(pct(ci0($2))):xtic(shares[int($0) + 1]) lt 1 \
         title 'Simulation (95% CI)', \
     '' index 0 using 0:(pct($3)) with points pt 13 ps 2 lc rgb center_color title model

if (n_times > 0) {
    set title 'Waiting times'
    set ylabel 'Seconds'
    set yrange [0:*]
    set ytics autofreq
    set offsets 0, 0, graph 0.25, 0   # room for the legend
    set xrange [-0.5:n_times - 0.5]
    plot datafile index 1 using 1:(ci0($2)):xtic(times[int($0) + 1]) lt 1 \
             title 'Simulation (95% CI)', \
         '' index 1 using 0:3 with points pt 13 ps 2 lc rgb center_color title model, \
         @keep_y1
    unset multiplot
}
