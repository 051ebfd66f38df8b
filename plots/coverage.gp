# coverage.gp - the roster `acdsim schedule` built, against its
# requirement: per rostered agent group (one panel each), agents per
# interval as steps - required on the phones, the roster's agents on the
# phones (time average: breaks are off the phones), its agents on shift,
# and required scheduled (on the phones / (1 - shrinkage)).
#
# datafile: one line per interval, then one more at closing time repeating
# the last interval (so the last step has its width):
#   1 interval start (s after midnight)
#   then per panel p (1-based): column 4p - 2 required on the phones,
#   4p - 1 the roster's agents on the phones, 4p its agents on shift,
#   4p + 1 required scheduled
# Uses: scenario, open_s, close_s, n_panels, panels (group names) (set by
# acdsim schedule).

eval house_style
eval clock_axis
req(p) = column(4 * p - 2)
phones(p) = column(4 * p - 1)
shift(p) = column(4 * p)
req_sched(p) = column(4 * p + 1)

set xrange [open_s:close_s]
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set lmargin 9
set rmargin 30
set key outside right top vertical font ',9'
set multiplot layout n_panels, 1 title sprintf("The roster's coverage against the requirement\n%s", scenario)
do for [p = 1:n_panels] {
    set title panels[p] noenhanced
    set ylabel 'Agents'
    # Whole agents on the axis of a small group (no 0.5 tics).
    set xdata
    stats datafile using (shift(p) > req_sched(p) ? shift(p) : req_sched(p)) nooutput
    eval clock_axis
    if (STATS_max <= 6) { set ytics 1 } else { if (STATS_max <= 14) { set ytics 2 } else { set ytics autofreq } }
    if (p == n_panels) { set xlabel 'Interval (clock time)' } else { unset xlabel }
    plot datafile using 1:(shift(p)) with steps lc rgb band_color lw 5 \
             title (p == 1 ? 'On shift (roster)' : ''), \
         datafile using 1:(phones(p)) with steps lc rgb center_color lw 2.5 \
             title (p == 1 ? 'On the phones (roster)' : ''), \
         datafile using 1:(req(p)) with steps lc rgb target_color lw 2 dt 2 \
             title (p == 1 ? 'Required on the phones' : ''), \
         datafile using 1:(req_sched(p)) with steps lc rgb '#555555' lw 1.5 dt 3 \
             title (p == 1 ? 'Required scheduled' : '')
}
unset multiplot
