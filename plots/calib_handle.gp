# calib_handle.gp - `acdsim calibrate`: per call type (one panel each), the
# handle times' histogram (a density: share per second) with the density
# of every fitted family.
#
# datafile: one block per call type (index p - 1), one line per bin:
#   1 bin center (s), 2 the sample's density, 3-7 the fitted densities of
#   exponential, gamma, lognormal, erlang, weibull (NaN: no fit)
# Uses: scenario (the log's name), n_panels, panels (call type names),
# xmax[p] (each panel's range: the chosen fit's 98th percentile).

eval house_style
cols = ceil(sqrt(n_panels))
rows = ceil(n_panels / (1.0 * cols))
set yrange [0:*]
set key top right font ',8'
set tics font ',8'
set multiplot layout rows, cols title sprintf("Handle time: histogram and fitted densities\n%s", scenario) noenhanced
do for [p = 1:n_panels] {
    set title panels[p] noenhanced font ',10'
    set xlabel 'Handle time (s)' font ',8'
    set xrange [0:xmax[p]]
    plot datafile index (p - 1) using 1:2 with boxes fs solid 0.5 noborder lc rgb band_color title (p == 1 ? 'log' : ''), \
         for [k = 3:7] datafile index (p - 1) using 1:k with lines lt (k - 2) lw 1.5 \
             title (p == 1 ? word('exponential gamma lognormal erlang weibull', k - 2) : '')
}
unset multiplot
