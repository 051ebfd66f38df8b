# calib_patience.gp - `acdsim calibrate`: per call type (one panel each),
# the Kaplan-Meier patience survival (abandons are events, answered waits
# censored) as steps with its 95% band, and the chosen fit's survival.
#
# datafile: one block per call type (index p - 1), two lines per event
# time (the values just before it, then at it: steps), the first at 0:
#   1 wait (s), 2 KM survival, 3 band low, 4 band high, 5 the fit's survival
# Uses: scenario (the log's name), n_panels, panels (call type names),
# xmax[p] (each panel's range: the last event time; 60 s without one).

eval house_style
cols = ceil(sqrt(n_panels))
rows = ceil(n_panels / (1.0 * cols))
set yrange [0:1.02]
set key top right font ',8'
set tics font ',8'
set multiplot layout rows, cols title sprintf("Patience: Kaplan-Meier survival and the fit\n%s", scenario) noenhanced
do for [p = 1:n_panels] {
    set title panels[p] noenhanced font ',10'
    set xlabel 'Wait (s)' font ',8'
    set xrange [0:xmax[p]]
    plot datafile index (p - 1) using 1:3:4 with filledcurves fs solid 0.4 noborder lc rgb band_color title (p == 1 ? '95% band' : ''), \
         datafile index (p - 1) using 1:2 with lines lc rgb center_color lw 2 title (p == 1 ? 'Kaplan-Meier' : ''), \
         datafile index (p - 1) using 1:5 with lines lc rgb target_color lw 1.5 dt 2 title (p == 1 ? 'fit' : '')
}
unset multiplot
