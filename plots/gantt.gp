# gantt.gp - the roster `acdsim schedule` built, one horizontal bar per
# roster line (its template, group and number of agents), spanning the
# shift, coloured by group, with its breaks as grey segments (dark: unpaid).
#
# datafile: block 0, one line per roster line: 1 its row (the first line
# at the top: n_line_tics), 2 shift start, 3 shift end (s after midnight),
# 4 the group's line type; block 1, one line per break: 1 its row, 2 start,
# 3 end, 4 1 if paid else 0. A block without lines holds one of NaN.
# Uses: scenario, open_s, close_s, x_lo, x_hi (the range: opening hours and
# every shift), n_line_tics, line_tics (row labels, the first line first;
# '%' doubled: tic labels are formats), has_paid, has_unpaid, n_key_groups,
# key_groups, key_lt (the groups with a line, their line types) (set by
# acdsim schedule).

eval house_style
eval clock_axis
set grid noytics
set title sprintf("The roster: shifts and breaks\n%s", scenario)
set xlabel 'Clock time'
set xrange [x_lo:x_hi]
set yrange [0.4:n_line_tics + 0.6]
set ytics ('' 1) font ',9' noenhanced
if (n_line_tics > 24) { set ytics font ',7' }
# More lines than labels fit: every tic_every-th labelled.
tic_every = n_line_tics > 48 ? int(ceil(n_line_tics / 48.0)) : 1
do for [i = 1:n_line_tics] {
    if ((i - 1) % tic_every == 0) { set ytics add (line_tics[i] (n_line_tics + 1 - i)) }
}
set key outside right top vertical font ',9'
set style fill solid 0.9 noborder
bar = n_line_tics > 24 ? 0.42 : 0.32
paid_rgb = 0xC8C8C8
unpaid_rgb = 0x4D4D4D
# Opening hours: from open_s to close_s, light lines.
set arrow 1 from open_s, graph 0 to open_s, graph 1 nohead lc rgb '#999999' dt 2
set arrow 2 from close_s, graph 0 to close_s, graph 1 nohead lc rgb '#999999' dt 2

plot datafile index 0 using (($2 + $3) / 2):1:(($3 - $2) / 2):(bar):4 \
         with boxxyerror lc variable notitle, \
     datafile index 1 using (($2 + $3) / 2):1:(($3 - $2) / 2):(bar * 0.8):($4 > 0.5 ? paid_rgb : unpaid_rgb) \
         with boxxyerror lc rgb variable notitle, \
     for [g = 1:n_key_groups] keyentry with boxes lt key_lt[g] title key_groups[g], \
     for [k = 1:(has_paid ? 1 : 0)] keyentry with boxes lc rgb '#C8C8C8' title 'Paid break', \
     for [k = 1:(has_unpaid ? 1 : 0)] keyentry with boxes lc rgb '#4D4D4D' title 'Unpaid break'
