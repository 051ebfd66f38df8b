# queue.gp - calls waiting over time: the mean across replications and the
# band between the 10th and 90th percentile across replications.
#
# datafile: one line per sample (a fixed step):
#   1 time (s): clock time (s after midnight) on an operating day, time
#     since the start of the run in steady state
#   2 mean calls waiting   3 10th percentile   4 90th percentile
# Uses: scenario, day.

eval house_style
set title sprintf("Calls waiting over time\n%s", scenario)
set ylabel 'Calls waiting'
set yrange [0:*]
set key top right
set autoscale xfix   # the axis ends where the samples end
if (day) {
    eval clock_axis
    set xlabel 'Clock time'
    x(t) = t
} else {
    set xlabel 'Time since the start of the run (h)'
    x(t) = t / 3600.0
}

plot datafile using (x($1)):3:4 with filledcurves lc rgb band_color fs solid 0.5 noborder \
         title '10th to 90th percentile across replications', \
     datafile using (x($1)):2 with lines lc rgb center_color lw 2 title 'Mean', \
     @keep_y1
