# backtest_kpi.gp - one KPI of `acdsim backtest` per interval: the call
# log's actual value as points (outside the band: red), the simulated mean
# as a line and its 95% band shaded (one day: the prediction band of one
# day; several days: the band of the days' mean, see docs/backtest.md).
#
# datafile: one line per interval:
#   1 interval midpoint (s after midnight)
#   2 actual (a share as a fraction; NaN: no call in the interval)
#   3 simulated mean   4 band low   5 band high (NaN: no band)
#   6 1 if the actual lies outside the band, else 0
# Uses: scenario, open_s, close_s, interval_s, kpi_label, band_label,
# actual_label, is_share, is_seconds, fit (share of intervals within the
# band, NaN if none judged) (set by acdsim backtest).

eval house_style
eval clock_axis
v(y) = is_share ? pct(y) : y
vlo(y) = is_share ? pct(clamp(y, 0, 1)) : (y < 0 ? 0 : y)
unit = is_share ? ' (%)' : is_seconds ? ' (s)' : ' (calls)'
fit_text = defined(fit) ? sprintf('%.0f%% of the intervals within the band', pct(fit)) : 'no interval judged'
set title sprintf("Back-test: %s per interval, actual against simulated\n%s - %s", \
                  kpi_label, scenario, fit_text)
unset xlabel  # the clock tics say it; the key is below
set ylabel kpi_label . unit
set xrange [open_s:close_s]
if (is_share) { set yrange [0:105]; set ytics 0, 10, 100 } else { set yrange [0:*] }
set key below center horizontal
set style fill transparent solid 0.35 noborder

plot datafile using 1:(vlo($4)):(vlo($5)) with filledcurves lc rgb band_color title band_label, \
     datafile using 1:(v($3)) with lines lc rgb center_color lw 2 title 'simulated mean', \
     datafile using 1:($6 > 0 ? NaN : v($2)) with points lt 1 pt 7 ps 1.2 title actual_label, \
     datafile using 1:($6 > 0 ? v($2) : NaN) with points lc rgb target_color pt 7 ps 1.2 \
         title 'actual, outside the band', \
     @keep_y1
