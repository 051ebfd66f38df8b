# calls.gp - calls per interval by outcome, stacked: answered, abandoned,
# busy signals and other outcomes add up to the offered calls.
#
# datafile: one line per interval (calls counted in the interval they
# arrived in; means over the replications):
#   1 interval midpoint (s after midnight)
#   2 answered   3 abandoned   4 blocked (busy signal)
#   5 other outcomes (balked, timed out, chose a callback, disconnected)
#   6 offered
# Uses: scenario, open_s, close_s, interval_s; has_blocked and has_other
# (1 if column 4, or 5, is ever above zero).

eval house_style
eval clock_axis
set title sprintf("Calls per interval by outcome\n%s", scenario)
set xlabel 'Interval (clock time)'
set ylabel 'Calls per interval (mean over replications)'
set xrange [open_s:close_s]
set yrange [0:*]
set key outside right top vertical
set style fill solid 0.85 border lc rgb '#FFFFFF'

# One box per outcome, from the top of the outcomes below it to its own
# top: x, y, x from, x to, y from, y to.
w = interval_s * 0.4
# Legend titles of the outcomes that may not occur: empty when they do
# not, or gnuplot would size the legend for them all the same.
blocked_title = has_blocked ? 'Busy signal' : ''
other_title = has_other ? 'Other outcomes' : ''   # balked, timed out, callback...
plot datafile using 1:2:($1 - w):($1 + w):(0):2 with boxxyerror \
         lc rgb '#009E73' title 'Answered', \
     datafile using 1:2:($1 - w):($1 + w):2:($2 + $3) with boxxyerror \
         lc rgb '#E69F00' title 'Abandoned', \
     datafile using 1:6 with points pt 7 ps 0.7 lc rgb center_color title 'Offered', \
     for [k = 1:has_blocked] datafile using 1:2:($1 - w):($1 + w):($2 + $3):($2 + $3 + $4) \
         with boxxyerror lc rgb '#C0392B' title blocked_title, \
     for [k = 1:has_other] datafile \
         using 1:2:($1 - w):($1 + w):($2 + $3 + $4):($2 + $3 + $4 + $5) with boxxyerror \
         lc rgb '#9E9E9E' title other_title
# (`for [k = 1:has_x]` draws a curve only if has_x is 1. Such curves come
# last: gnuplot keeps an empty legend slot for a loop that draws nothing.)
