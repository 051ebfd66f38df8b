# staff_curve.gp - one group's staffing curve (`acdsim staff --curve`):
# what the interval achieves with each number of agents, every other
# interval and group as planned. Service level and abandon rate (left
# axis, %) and ASA (right axis, s) with 95% confidence intervals; the
# targets as red dashed lines; the exact Erlang figures (a stationary
# one-type, one-group scenario) as thin dashed lines.
#
# datafile: one line per agent count, ascending:
#   1 agents
#   2 service level   3 its CI half width
#   4 abandon rate    5 its CI half width
#   6 ASA (s)         7 its CI half width
#   8 Erlang service level   9 Erlang abandon rate   10 Erlang ASA (s)
#     (NaN without an exact figure)
#   11 the interval meets every goal (1) or not (0)
# Uses: scenario, group, interval ('' for a steady state), threshold_s,
# sl_target, max_abandon, max_asa_s, sl_answered, has_erlang, has_abandon,
# has_asa, agents_lo, agents_hi, current_agents (the scenario's own
# staffing, a grey dotted line; set by acdsim staff).

eval house_style
of_what = sl_answered ? 'answered' : 'offered'
where = (strlen(interval) > 0) ? sprintf('%s, interval %s', group, interval) : group
set title sprintf("Staffing curve: %s\n%s\nService level: answered within %g s, %% of %s calls", \
                  where, scenario, threshold_s, of_what)
set xlabel 'Agents'
set ylabel 'Service level, abandoned (%)'
set y2label 'ASA (s)'
set xrange [agents_lo - 0.5:agents_hi + 0.5]
set yrange [0:105]
set ytics 0, 10, 100 nomirror
set y2range [0:*]
set y2tics nomirror
set key outside right top vertical
if (agents_hi - agents_lo < 16) { set xtics 1 }
if (current_agents == current_agents && current_agents >= agents_lo - 0.5 && \
    current_agents <= agents_hi + 0.5) { \
    set arrow from first current_agents, graph 0 to first current_agents, graph 1 nohead \
        lc rgb '#888888' dt 3 lw 2 front; \
    set label sprintf('current: %g', current_agents) at first current_agents, graph 0.97 \
        offset 0.5, 0 left textcolor rgb '#555555' front }
sh(y) = pct(clamp(y, 0, 1))
erl = has_erlang ? 1 : 0

plot datafile using 1:(sh($2)):(sh(lo($2, $3))):(sh(hi($2, $3))) with yerrorlines lt 1 lw 3 pt 7 \
         title 'Service level', \
     for [k = 1:(has_abandon ? 1 : 0)] datafile using 1:(sh($4)):(sh(lo($4, $5))):(sh(hi($4, $5))) \
         with yerrorlines lt 2 lw 2 pt 5 title 'Abandoned', \
     for [k = 1:(has_asa ? 1 : 0)] datafile using 1:6:(lo($6, $7)):(hi($6, $7)) axes x1y2 \
         with yerrorlines lt 3 lw 2 pt 9 title 'ASA (right axis)', \
     for [k = 1:erl] datafile using 1:(sh($8)) with lines lt 1 lw 1 dt 2 title 'Erlang service level', \
     for [k = 1:(erl && has_abandon ? 1 : 0)] datafile using 1:(sh($9)) with lines lt 2 lw 1 dt 2 \
         title 'Erlang abandoned', \
     for [k = 1:(erl && has_asa ? 1 : 0)] datafile using 1:10 axes x1y2 with lines lt 3 lw 1 dt 2 \
         title 'Erlang ASA', \
     for [k = 1:(defined(sl_target) ? 1 : 0)] pct(sl_target) with lines lc rgb target_color lw 2 dt 2 \
         title sprintf('Target SL %g%%', pct(sl_target)), \
     for [k = 1:(defined(max_abandon) ? 1 : 0)] pct(max_abandon) with lines lc rgb target_color lw 1 dt 3 \
         title sprintf('Max. abandoned %g%%', pct(max_abandon)), \
     for [k = 1:(defined(max_asa_s) ? 1 : 0)] max_asa_s axes x1y2 with lines lc rgb target_color lw 1 dt 4 \
         title sprintf('Max. ASA %g s', max_asa_s)
