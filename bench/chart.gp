# The benchmark suite's chart (gnuplot), drawn by bench/run.sh:
#
#	gnuplot -e "datafile='chart.dat'; outfile='chart.png'; term='pngcairo'; stamp='...'" bench/chart.gp
#
# chart.dat has one line per target of bench/targets.tsv, tab-separated:
# number, score, label, colour (0xRRGGBB), text above the bar. The score
# puts every target on one scale, higher is better for all of them: the
# target's limit (the peer's figure times or plus the bound, or the bound
# itself) divided by tether's figure when lower is better, tether's figure
# divided by the limit when higher is better. So 1 is exactly the limit
# (the dashed line), above 1 the target is met with that much room, and
# 0.5 means tether is twice as far as the target allows. Targets not
# measured get no bar, only "not run".
cap = 2.5	# taller bars are cut here, their score written above them

if (term eq 'pngcairo') {
	set terminal pngcairo size 1280,720 font 'sans,10' noenhanced
} else {
	set terminal png size 1280,720 noenhanced
}
set output outfile
set datafile separator "\t"

set title sprintf("tether against the targets of issue 5 (%s)\nscore: the target's limit / tether's figure when lower is better, tether's / the limit when higher is better; 1 = at the limit", stamp)
set ylabel 'score (higher is better; >= 1: target met)'
set yrange [0:cap * 1.12]
set xrange [0.4:*]
set offsets 0, 0.6, 0, 0
set xtics rotate by -35 left nomirror scale 0 font ',9'
set ytics nomirror
set grid ytics lc rgb '#dddddd'
set border 3
set bmargin 9
set key off
set style fill solid 0.85 border rgb '#333333'
set boxwidth 0.7
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lw 2 dt 2 lc rgb '#000000' front
set label 1 'target' at graph 1, first 1 offset -6, 0.7 font ',9'
set label 2 'green: met   red: missed   grey: not run or failed' at graph 0.01, graph 0.97 font ',9'

clip(y) = y > cap ? cap : y
plot datafile using 1:(clip($2)):4:xtic(3) with boxes lc rgb variable, \
     datafile using 1:(clip($2)):5 with labels offset 0, 0.8 font ',9'
