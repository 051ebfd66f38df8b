# staffing.gp - the plan `acdsim staff` recommends against the scenario's
# own: agents per interval and group (top) and the service level each plan
# achieves (bottom). A steady state has no intervals: recommended and
# current agents per group side by side.
#
# datafile: one line per interval (a steady state: one line):
#   1 interval start (s after midnight; NaN for a steady state)
#   2 recommended agents, all groups   3 current agents, all groups (time
#     average over the interval: shifts and breaks counted)
#   4 service level of the recommended plan   5 its CI half width
#   6 service level of the current plan       7 its CI half width
#   then per group g (1-based): column 6 + 2g recommended agents,
#   column 7 + 2g current agents
# Uses: scenario, day, open_s, close_s, interval_s, threshold_s, sl_target,
# sl_answered, n_groups, groups, group_tics (the names with '%' doubled:
# tic labels are formats) (set by acdsim staff: the search's targets
# override the scenario's), whole_sl, whole_sl_current (whole horizon).

eval house_style
rec(g) = column(6 + 2 * g)
cur(g) = column(7 + 2 * g)
sl(y) = pct(clamp(y, 0, 1))
of_what = sl_answered ? 'answered' : 'offered'

if (day) {
    eval clock_axis
    set xrange [open_s:close_s]
    set key outside right top vertical
    set lmargin 10
    set rmargin 26
    set multiplot layout 2, 1 title sprintf("Recommended staffing against the current plan\n%s", scenario)

    set title 'Agents per interval: recommended (solid) and current plan (dashed)'
    set ylabel 'Agents'
    set yrange [0:*]
    set offsets 0, 0, graph 0.08, 0
    unset xlabel
    # A count holds for a whole interval: a flat line across it.
    plot for [g = 1:n_groups] datafile using 1:(rec(g)):(interval_s):(0) \
             with vectors nohead lt g lw 3 title groups[g], \
         for [g = 1:n_groups] datafile using 1:(cur(g)):(interval_s):(0) \
             with vectors nohead lt g lw 1.5 dt 2 notitle, \
         for [k = 1:(n_groups > 1 ? 1 : 0)] datafile using 1:2:(interval_s):(0) \
             with vectors nohead lc rgb center_color lw 3 title 'All groups', \
         for [k = 1:(n_groups > 1 ? 1 : 0)] datafile using 1:3:(interval_s):(0) \
             with vectors nohead lc rgb center_color lw 1.5 dt 2 notitle

    set title sprintf('Service level: answered within %g s (%% of %s calls)', threshold_s, of_what)
    set ylabel 'Service level (%)'
    set xlabel 'Interval (clock time)'
    set offsets 0, 0, 0, 0
    set yrange [0:105]
    set ytics 0, 10, 100
    dx = interval_s * 0.05
    plot datafile using ($1 + interval_s / 2 - dx):(sl($4)):(sl(lo($4, $5))):(sl(hi($4, $5))) \
             with yerrorlines lc rgb center_color lw 3 pt 7 title 'Recommended', \
         datafile using ($1 + interval_s / 2 + dx):(sl($6)):(sl(lo($6, $7))):(sl(hi($6, $7))) \
             with yerrorlines lc rgb '#7F7F7F' lw 1.5 dt 2 pt 6 title 'Current plan', \
         for [k = 1:(defined(sl_target) ? 1 : 0)] sl(sl_target) with lines \
             lc rgb target_color lw 2 dt 2 title sprintf('Target %g%%', pct(sl_target))
    unset multiplot
} else {
    set title sprintf("Recommended agents against the current plan\n%s\nService level %.1f%% (current plan %.1f%%)", \
                      scenario, sl(whole_sl), sl(whole_sl_current))
    set ylabel 'Agents'
    set xlabel 'Agent group'
    set xrange [0.4:n_groups + 0.6]
    set yrange [0:*]
    set offsets 0, 0, graph 0.1, 0
    set xtics ('' 1)
    do for [g = 1:n_groups] { set xtics add (group_tics[g] g) }
    set style fill solid 0.7 border -1
    set boxwidth 0.35
    set key outside right top vertical
    plot for [g = 1:n_groups] datafile using (g - 0.19):(rec(g)) with boxes lt g \
             title (g == 1 ? 'Recommended' : ''), \
         for [g = 1:n_groups] datafile using (g + 0.19):(cur(g)) with boxes lt g fs pattern 4 \
             title (g == 1 ? 'Current plan' : '')
}
