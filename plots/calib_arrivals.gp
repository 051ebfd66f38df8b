# calib_arrivals.gp - `acdsim calibrate`: per call type (one panel each),
# fresh calls per interval on the mean day (steps) with its 95% Poisson CI
# and the day-to-day band (min-max across the days; one day: the CI).
#
# datafile: two lines per interval, at its start and at its end (so that
# lines and bands draw as steps):
#   1 time (s after midnight)
#   then per panel p: column 5p - 3 calls per day, 5p - 2 band low,
#   5p - 1 band high, 5p CI low, 5p + 1 CI high
# Uses: scenario, open_s, close_s, n_panels, panels (call type names).

eval house_style
cols = ceil(sqrt(n_panels))
rows = ceil(n_panels / (1.0 * cols))
set xrange [open_s:close_s]
set yrange [0:*]
set key top right font ',8'
set tics font ',8'
set multiplot layout rows, cols title sprintf("Fresh calls per interval\n%s", scenario) noenhanced
do for [p = 1:n_panels] {
    set title panels[p] noenhanced font ',10'
    eval clock_axis
    set xtics (close_s - open_s > 43200 ? 14400 : 7200)
    plot datafile using 1:(column(5 * p - 2)):(column(5 * p - 1)) with filledcurves fs solid 0.4 noborder lc rgb band_color title (p == 1 ? 'day band' : ''), \
         datafile using 1:(column(5 * p)) with lines lc rgb '#777777' dt 2 title (p == 1 ? '95% CI' : ''), \
         datafile using 1:(column(5 * p + 1)) with lines lc rgb '#777777' dt 2 title '', \
         datafile using 1:(column(5 * p - 3)) with lines lc rgb center_color lw 2 title (p == 1 ? 'calls/day' : '')
}
unset multiplot
