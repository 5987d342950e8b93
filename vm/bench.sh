#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh [smoke]: make bench. Boots one guest per kernel of $KVERS, runs
# tests/bench/bench.sh (every workload on layerfs, overlayfs and the direct
# filesystem, interleaved, $BENCH_RUNS runs, median and spread), and writes
# build/bench/: a table per kernel (table-<series>.txt), all figures in
# bench.csv, and the ratios as a chart (ratios.png, with gnuplot).
# "smoke" runs tiny sizes on tmpfs only, so that the suite cannot rot.
# BENCH_HOST_ONLY=1 runs the host part (layermount unpack, inspect and
# commit) alone.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
size=${1:-full}
out=$BUILD/bench${1:+-$1}
mkdir -p "$out"
runs=${BENCH_RUNS:-5}
if [ "$size" = smoke ]; then
	args=(--env BENCH_SIZE=smoke --env BENCH_FS=tmpfs --env "BENCH_RUNS=$runs")
else
	args=(--env BENCH_SIZE=full --env "BENCH_FS=${BENCH_FS:-tmpfs ext4}"
		--env "BENCH_RUNS=$runs" --mem 6144 --disk 8G)
fi

# summarize KERNEL RAWFILE: median, min and max of every (fs, workload,
# target) of the raw "BENCH fs workload target run seconds" lines -> CSV
summarize() {
	awk '$6 != "NA" { print $2, $3, $4, $6 }' "$2" |
	sort -k1,1 -k2,2 -k3,3 -k4,4g |
	awk -v k="$1" '
	function flush() {
		if (key == "") return
		m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		printf "%s,%s,%s,%s,%.6f,%.6f,%.6f,%d\n", k, f, w, t, m, v[1], v[n], n
	}
	{ cur = $1 " " $2 " " $3
	  if (cur != key) { flush(); key = cur; f = $1; w = $2; t = $3; n = 0 }
	  v[++n] = $4 }
	END { flush() }'
}

# table KERNEL A B C LABEL-A LABEL-B LABEL-C: medians with their spread
# ((max - min) / median) and the ratios A/B and A/C, from bench.csv
table() {
	awk -F, -v k="$1" -v a="$2" -v b="$3" -v c="$4" -v la="$5" -v lb="$6" -v lc="$7" '
	$1 == k && ($4 == a || $4 == b || $4 == c) {
		med[$2 " " $3, $4] = $5; spr[$2 " " $3, $4] = ($5 > 0) ? 100 * ($7 - $6) / $5 : 0
		if (!(($2 " " $3) in seen)) { seen[$2 " " $3] = 1; order[++nw] = $2 " " $3 } }
	function cell(w, t) { return ((w, t) in med) ? sprintf("%9.4f ±%3.0f%%", med[w, t], spr[w, t]) : sprintf("%15s", "n/a") }
	function ratio(w, x, y) { return (((w, x) in med) && ((w, y) in med) && med[w, y] > 0) ? sprintf("%9.2f", med[w, x] / med[w, y]) : sprintf("%9s", "n/a") }
	END {
		printf "%-30s %15s %15s %15s %9s %9s\n", "workload (s, median ±spread)", la, lb, lc, substr(la, 1, 3) "/" substr(lb, 1, 3), substr(la, 1, 3) "/" substr(lc, 1, 3)
		for (i = 1; i <= nw; i++) {
			w = order[i]
			printf "%-30s %s %s %s %s %s\n", w, cell(w, a), cell(w, b), cell(w, c), ratio(w, a, b), ratio(w, a, c)
		}
	}' "$out/bench.csv"
}

echo "kernel,fs,workload,target,median_s,min_s,max_s,runs" > "$out/bench.csv"
status=0

# the images of the layermount workloads
img=$BUILD/bench-image-$size
"$top/vm/bench-image.sh" "$img" "$size" || exit 1

# 8a: unpacking, on the host (user space; QEMU's emulation would only
# blur it): layermount unpack with every check against tar and bsdtar of
# the same blob into the same filesystem. layermount publishes a layer only
# once it is on disk (syncfs), so tar and bsdtar are followed by sync -f.
lfsbench=$BUILD/tools/lfsbench
dst=$BUILD/bench-unpack
# (BENCH_HOST_RUNS=0 keeps the figures of the last run)
[ "${BENCH_HOST_RUNS:-$runs}" = 0 ] || : > "$out/raw-host.txt"
for r in $(seq 1 "${BENCH_HOST_RUNS:-$runs}"); do
	for comp in gzip zstd; do
		for tool in layermount tar bsdtar; do
			rm -rf "$dst"
			mkdir -p "$dst"
			sync
			case $tool-$comp in
			layermount-*)	v=$("$lfsbench" run "$top/helper/layermount" unpack -q --store "$dst/store" "$img/big-$comp") ;;
			tar-gzip)	v=$("$lfsbench" run sh -c "tar -xzf '$img/big.tar.gz' -C '$dst' && sync -f '$dst'") ;;
			tar-zstd)	v=$("$lfsbench" run sh -c "zstd -qdc '$img/big.tar.zst' | tar -x -C '$dst' && sync -f '$dst'") ;;
			bsdtar-gzip)	v=$("$lfsbench" run sh -c "bsdtar -xf '$img/big.tar.gz' -C '$dst' && sync -f '$dst'") ;;
			bsdtar-zstd)	v=$("$lfsbench" run sh -c "bsdtar -xf '$img/big.tar.zst' -C '$dst' && sync -f '$dst'") ;;
			esac
			echo "BENCH host unpack_$comp $tool $r ${v:-NA}" >> "$out/raw-host.txt"
		done
	done
done
rm -rf "$dst"

# 8b: inspect, on the host: layermount inspect (digests, the tar stream,
# the whole-image model and the report) against GNU tar -t and bsdtar -t
# listing the same compressed blobs; then the peak RSS (GNU time) of
# inspect over the image of ENTRIES entries (vm/bench-image.sh), against
# tar -t's: inspect keeps every path, tar none.
lm=$top/helper/layermount
for r in $(seq 1 "${BENCH_HOST_RUNS:-$runs}"); do
	for comp in gzip zstd; do
		for tool in layermount tar bsdtar; do
			case $tool-$comp in
			layermount-*)	v=$("$lfsbench" run sh -c "'$lm' inspect --json '$img/big-$comp' > /dev/null") ;;
			tar-gzip)	v=$("$lfsbench" run sh -c "tar -tzf '$img/big.tar.gz' > /dev/null") ;;
			tar-zstd)	v=$("$lfsbench" run sh -c "zstd -qdc '$img/big.tar.zst' | tar -t > /dev/null") ;;
			bsdtar-*)	v=$("$lfsbench" run sh -c "bsdtar -tf '$img/big.tar.$([ $comp = gzip ] && echo gz || echo zst)' > /dev/null") ;;
			esac
			echo "BENCH host inspect_$comp $tool $r ${v:-NA}" >> "$out/raw-host.txt"
		done
	done
done
entries=$(find "$img/entries/blobs" -type f -size +1k -print -quit)
rss=$out/rss-host.txt
echo "# peak RSS (GNU time), $(zcat "$entries" | tar -t | wc -l) tar entries (vm/bench-image.sh entries):" > "$rss"
/usr/bin/time -a -o "$rss" -f "  layermount inspect: %M KiB, %e s" \
	"$lm" inspect --json "$img/entries" > /dev/null
/usr/bin/time -a -o "$rss" -f "  tar -tzf:           %M KiB, %e s" \
	tar -tzf "$entries" > /dev/null
# 8c: commit, on the host: layermount commit (gzip, zlib level 6) of an
# upper of 1 GiB in 10,000 files (those of the guest's commit_gzip; smoke:
# 200 of 4 KiB) in an overlayfs mount of a small image, against
# tar -c | gzip (level 6, its default) and bsdtar -czf of the same upper
# directory; the target is layermount/tar within 1.2
C=$BUILD/bench-commit
rm -rf "$C"
mkdir -p "$C/m" "$C/keep/upper"
chmod 700 "$C/keep"
python3 "$top/tests/host/fixtures/mkimage.py" basic "$C/img" --outside "$C/outside" > /dev/null
if [ "$size" = smoke ]; then
	"$lfsbench" mkflat "$C/keep/upper/data" 200 f 4096
else
	"$lfsbench" mkflat "$C/keep/upper/data" 10000 f 107374
fi
sync
for r in $(seq 1 "${BENCH_HOST_RUNS:-$runs}"); do
	for tool in layermount tar bsdtar; do
		rm -rf "$C/out" "$C/out.tgz"
		case $tool in
		layermount)
			"$lm" -q --store "$C/store" --type overlay --upper "$C/keep" \
				"$C/img" "$C/m" || { echo "bench: commit: mount failed"; continue; }
			v=$("$lfsbench" run "$lm" -q commit --output "$C/out" "$C/m")
			"$lm" umount "$C/m" ;;
		tar)	v=$("$lfsbench" run sh -c "tar -cf - -C '$C/keep/upper' . | gzip > '$C/out.tgz'") ;;
		bsdtar)	v=$("$lfsbench" run bsdtar -czf "$C/out.tgz" -C "$C/keep/upper" .) ;;
		esac
		echo "BENCH host commit_gzip $tool $r ${v:-NA}" >> "$out/raw-host.txt"
	done
done
rm -rf "$C"
summarize host "$out/raw-host.txt" >> "$out/bench.csv"
table host layermount tar bsdtar layermount tar bsdtar > "$out/table-host.txt"
echo "# host: layermount unpack, inspect and commit ($(df -T "$BUILD" | awk 'NR == 2 { print $2 }') under $BUILD)"
cat "$out/table-host.txt"
cat "$out/rss-host.txt"
echo
# (BENCH_HOST_ONLY=1: the host part alone, no guest)
[ "${BENCH_HOST_ONLY:-0}" = 1 ] && exit 0

# The kernels' guests run at the same time (BENCH_SERIAL=1: one after the
# other): each workload is single-threaded, so two guests on two cores
# barely meet, and every ratio compares runs made in the same guest.
pids=()
for s in ${KVERS:-6.1 6.12}; do
	rel=$("$top/vm/krel" "$s") || exit 1
	echo "# bench on $s ($rel), $size: log in $out/run-$s.log"
	"$top/vm/run.sh" --kver "$s" --suite bench --tests bench --verbose \
		--out "$out/vm-$s" --data "$img/guest" "${args[@]}" > "$out/run-$s.log" 2>&1 &
	pids+=("$s:$!")
	[ "${BENCH_SERIAL:-0}" = 1 ] && wait "$!"
done
for p in "${pids[@]}"; do
	s=${p%%:*}
	wait "${p#*:}" || {
		status=1
		echo "bench: the guest run on $s failed:"
		grep -E '^(not ok|#)' "$out/run-$s.log" | head -n 20
	}
done

for s in ${KVERS:-6.1 6.12}; do
	rel=$("$top/vm/krel" "$s") || exit 1
	grep '^BENCH ' "$out/run-$s.log" > "$out/raw-$s.txt"
	summarize "$s" "$out/raw-$s.txt" >> "$out/bench.csv"
	table "$s" layerfs overlay direct layerfs overlayfs direct > "$out/table-$s.txt"
	echo "# $s: $rel"
	cat "$out/table-$s.txt"
	echo
done

# the chart: layerfs/overlayfs and layerfs/direct per workload and kernel
awk -F, 'NR > 1 { med[$1 "|" $2 " " $3, $4] = $5; if (!(($1 "|" $2 " " $3) in s)) { s[$1 "|" $2 " " $3] = 1; o[++n] = $1 "|" $2 " " $3 } }
function r(w, x, y) { return ((w, x) in med && (w, y) in med && med[w, y] > 0) ? med[w, x] / med[w, y] : "NaN" }
END { for (i = 1; i <= n; i++) { w = o[i]
	if (w ~ /^host/) { lo = r(w, "layermount", "tar"); ld = r(w, "layermount", "bsdtar") }
	else { lo = r(w, "layerfs", "overlay"); ld = r(w, "layerfs", "direct") }
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
plot "$out/ratios.dat" using 2:xtic(1) title "layerfs/overlayfs (host rows: layermount/tar)", "" using 3 title "layerfs/direct (host rows: layermount/bsdtar; mount rows: layermount/bare mount)"
GP
fi
echo "# data: $out/bench.csv  chart: $out/ratios.png"
exit $status
