#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh [smoke]: make bench. Boots one guest per kernel of $KVERS, runs
# tests/bench/bench.sh (every workload on layerfs, overlayfs and the direct
# filesystem, interleaved, $BENCH_RUNS runs, median and spread), and writes
# build/bench/: a table per kernel (table-<series>.txt), all figures in
# bench.csv, and the ratios as a chart (ratios.png, with gnuplot).
# "smoke" runs tiny sizes on tmpfs only, so that the suite cannot rot.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
size=${1:-full}
out=$BUILD/bench${1:+-$1}
mkdir -p "$out"
runs=${BENCH_RUNS:-5}
if [ "$size" = smoke ]; then
	args=(--env BENCH_SIZE=smoke --env BENCH_FS=tmpfs --env BENCH_RUNS=$runs)
else
	args=(--env BENCH_SIZE=full --env "BENCH_FS=${BENCH_FS:-tmpfs ext4}"
		--env BENCH_RUNS=$runs --mem 6144 --disk 8G)
fi

echo "kernel,fs,workload,target,median_s,min_s,max_s,runs" > "$out/bench.csv"
status=0
for s in ${KVERS:-6.1 6.12}; do
	rel=$("$top/vm/krel" "$s") || exit 1
	echo "# bench on $s ($rel), $size"
	"$top/vm/run.sh" --kver "$s" --suite bench --tests bench --verbose \
		--out "$out/vm-$s" "${args[@]}" > "$out/run-$s.log" 2>&1 || {
		status=1
		echo "bench: the guest run on $s failed:"
		grep -E '^(not ok|#)' "$out/run-$s.log" | head -n 20
	}
	grep '^BENCH ' "$out/run-$s.log" > "$out/raw-$s.txt"
	# median, min and max of every (fs, workload, target)
	awk '$6 != "NA" { print $2, $3, $4, $6 }' "$out/raw-$s.txt" |
	sort -k1,1 -k2,2 -k3,3 -k4,4g |
	awk -v k="$s" '
	function flush() {
		if (key == "") return
		m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		printf "%s,%s,%s,%s,%.6f,%.6f,%.6f,%d\n", k, f, w, t, m, v[1], v[n], n
	}
	{ cur = $1 " " $2 " " $3
	  if (cur != key) { flush(); key = cur; f = $1; w = $2; t = $3; n = 0 }
	  v[++n] = $4 }
	END { flush() }' >> "$out/bench.csv"

	# the table: medians, spread as (max-min)/median, and the two ratios
	awk -F, -v k="$s" '
	$1 == k { med[$2 " " $3, $4] = $5; spr[$2 " " $3, $4] = ($5 > 0) ? 100 * ($7 - $6) / $5 : 0
		  if (!(($2 " " $3) in seen)) { seen[$2 " " $3] = 1; order[++nw] = $2 " " $3 } }
	function cell(w, t) { return ((w, t) in med) ? sprintf("%9.4f ±%3.0f%%", med[w, t], spr[w, t]) : sprintf("%15s", "n/a") }
	function ratio(w, a, b) { return (((w, a) in med) && ((w, b) in med) && med[w, b] > 0) ? sprintf("%8.2f", med[w, a] / med[w, b]) : sprintf("%8s", "n/a") }
	END {
		printf "%-32s %15s %15s %15s %8s %8s\n", "workload (seconds, median ±spread)", "layerfs", "overlayfs", "direct", "lfs/ovl", "lfs/dir"
		for (i = 1; i <= nw; i++) {
			w = order[i]
			printf "%-32s %s %s %s %s %s\n", w, cell(w, "layerfs"), cell(w, "overlay"), cell(w, "direct"), ratio(w, "layerfs", "overlay"), ratio(w, "layerfs", "direct")
		}
	}' "$out/bench.csv" > "$out/table-$s.txt"
	echo "# $s: $rel"
	cat "$out/table-$s.txt"
	echo
done

# the chart: layerfs/overlayfs and layerfs/direct per workload and kernel
awk -F, 'NR > 1 { med[$1 "|" $2 " " $3, $4] = $5; if (!(($1 "|" $2 " " $3) in s)) { s[$1 "|" $2 " " $3] = 1; o[++n] = $1 "|" $2 " " $3 } }
END { for (i = 1; i <= n; i++) { w = o[i]; lo = ((w, "layerfs") in med && med[w, "overlay"] > 0) ? med[w, "layerfs"] / med[w, "overlay"] : "NaN"
	ld = ((w, "layerfs") in med && med[w, "direct"] > 0) ? med[w, "layerfs"] / med[w, "direct"] : "NaN"
	gsub(/ /, ":", w); print w, lo, ld } }' "$out/bench.csv" > "$out/ratios.dat"
if command -v gnuplot > /dev/null && [ -s "$out/ratios.dat" ]; then
	gnuplot <<GP 2> "$out/gnuplot.log" || echo "bench: gnuplot failed (see $out/gnuplot.log)"
set terminal png size 1600,900
set output "$out/ratios.png"
set title "layerfs time ratios (lower is better; 1.0 = same time)"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8
set xtics rotate by -60 font ",8"
set ylabel "ratio of median times"
set yrange [0:*]
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2
plot "$out/ratios.dat" using 2:xtic(1) title "layerfs/overlayfs", "" using 3 title "layerfs/direct"
GP
fi
echo "# data: $out/bench.csv  chart: $out/ratios.png"
exit $status
