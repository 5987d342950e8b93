#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh [smoke]: make bench. Boots one guest per kernel of $KVERS, runs
# tests/bench/bench.sh (every workload on layerfs, overlayfs and the direct
# filesystem, interleaved, $BENCH_RUNS runs), and writes build/bench/:
#   bench-runs.csv   every run's figure (kernel,fs,workload,target,run,seconds)
#   bench.csv        per (kernel, fs, workload, target): median, min, max, runs
#   bench-load.csv   the host's load average and qemu processes at the start
#                    and end of every timed run (and of each guest run)
#   mem.csv          per (kernel, fs, set, target): median, min, max KiB of
#                    kernel memory a mount held after a set of workloads
#   bench-meta.txt   date, commit, size, runs, BENCH_ONLY, kernel releases
# then vm/bench-report.py turns them into tables with verdicts
# (table-<series>.txt, table-host.txt, report.txt) and charts (ratios.png:
# layerfs/overlayfs; ratios-direct.png: layerfs/direct).
# "smoke" runs tiny sizes on tmpfs only, so that the suite cannot rot.
# BENCH_HOST_ONLY=1 runs the host part (layermount unpack, inspect and
# commit) alone.
# BENCH_ONLY="GLOB ..." runs only the workloads whose names match (spaces or
# commas between globs; e.g. "randread_4k mmapread" or "lookup_*").
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
size=${1:-full}
out=$BUILD/bench${1:+-$1}
mkdir -p "$out"
runs=${BENCH_RUNS:-5}
only=$(echo "${BENCH_ONLY:-}" | tr , ' ')
kvers=${KVERS:-6.1 6.12}
if [ "$size" = smoke ]; then
	fses=tmpfs
	args=(--env BENCH_SIZE=smoke --env BENCH_FS=tmpfs --env "BENCH_RUNS=$runs")
else
	fses=${BENCH_FS:-tmpfs ext4}
	args=(--env BENCH_SIZE=full --env "BENCH_FS=$fses"
		--env "BENCH_RUNS=$runs" --mem 6144 --disk 8G)
fi
args+=(--env "BENCH_ONLY=$only")

# wanted WORKLOAD...: whether BENCH_ONLY is empty or one of its globs
# matches one of the WORKLOADs (as in tests/bench/bench.sh)
wanted() {
	local w p -
	[ -n "$only" ] || return 0
	set -f
	for w in "$@"; do
		for p in $only; do
			# shellcheck disable=SC2053 # the globs are meant to match
			[[ $w == $p ]] && return 0
		done
	done
	return 1
}

# tree_ticks: the CPU ticks (user + system) this script and every process
# under it have used: the living ones' own and their ended children's.
# A guest that has ended but is not yet waited for still counts, as a
# zombie, so the sum only grows.
tree_ticks() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v root=$$ '
	{ pid = $1; sub(/^.*\) /, ""); ppid[pid] = $2; t[pid] = $12 + $13 + $14 + $15 }
	END {
		for (p in t) {
			q = p
			while (q != root && q in ppid && q > 1)
				q = ppid[q]
			if (q == root)
				n += t[p]
		}
		print n + 0
	}'
}

# loadmark KERNEL FS WORKLOAD TARGET RUN PHASE: a line of bench-load.csv:
# the host's time, its load averages, the qemu processes that are not this
# bench's guests, this bench's guests (their command lines name $out), the
# CPU ticks the whole machine has used (/proc/stat) and those of this
# bench (tree_ticks: its guests, its watchers, the host's timed commands):
# the report counts the difference as other processes' CPU
loadmark() {
	local l1 l5 l15 own q cpu
	read -r l1 l5 l15 _ < /proc/loadavg
	mapfile -t q < <(pgrep -a qemu-system)
	own=$(printf '%s\n' "${q[@]}" | grep -c -F -- "$out/vm-")
	read -r -a cpu < /proc/stat	# cpu user nice system idle iowait irq softirq steal
	echo "$1,$2,$3,$4,$5,$6,$EPOCHSECONDS,$l1,$l5,$l15,$((${#q[@]} - own)),$own," \
		"$((cpu[1] + cpu[2] + cpu[3] + cpu[6] + cpu[7] + cpu[8])),$(tree_ticks),$EPOCHREALTIME" | tr -d ' '
}

# watch_marks KERNEL CONSOLE PID: stamp (loadmark) each "bench-mark start|end
# FS WORKLOAD TARGET RUN" line of the guest's console as it comes, until
# PID ends (the guest cannot see the host's load; the host sees the line
# within the serial line's latency)
watch_marks() {
	local line re='bench-mark (start|end) ([^ ]+) ([^ ]+) ([^ ]+) ([0-9]+)$'
	tail -n +1 -F --pid="$3" "$2" 2>/dev/null | while IFS= read -r line; do
		line=${line%$'\r'}
		[[ $line =~ $re ]] || continue
		loadmark "$1" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" \
			"${BASH_REMATCH[4]}" "${BASH_REMATCH[5]}" "${BASH_REMATCH[1]}"
	done
}

# hostrun WORKLOAD TOOL RUN CMD...: time CMD on the host (lfsbench run),
# with load marks around it; a "BENCH host ..." line for raw-host.txt
hostrun() {
	local wl=$1 tool=$2 r=$3 v
	shift 3
	loadmark host host "$wl" "$tool" "$r" start >> "$out/load-host.csv"
	v=$("$lfsbench" run "$@")
	loadmark host host "$wl" "$tool" "$r" end >> "$out/load-host.csv"
	echo "BENCH host $wl $tool $r ${v:-NA}"
}

# summarize KERNEL RAWFILE: median, min and max of every (fs, workload,
# target) of the raw "BENCH fs workload target run seconds" lines -> CSV
# (and of the "BENCHMEM fs set target run KiB" lines alike)
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

# runs KERNEL RAWFILE: every raw line as a row of bench-runs.csv
runs_csv() {
	awk -v k="$1" '{ printf "%s,%s,%s,%s,%s,%s\n", k, $2, $3, $4, $5, $6 }' "$2"
}

echo "kernel,fs,workload,target,median_s,min_s,max_s,runs" > "$out/bench.csv"
echo "kernel,fs,workload,target,run,seconds" > "$out/bench-runs.csv"
echo "kernel,fs,set,target,median_kib,min_kib,max_kib,runs" > "$out/mem.csv"
echo "kernel,fs,workload,target,run,phase,time,load1,load5,load15,other_qemu,bench_qemu,cpu_ticks,own_ticks,rtime" > "$out/bench-load.csv"
rm -f "$out"/table-*.txt "$out"/*.png
meta=$out/bench-meta.txt
{
	echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
	echo "commit=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "size=$size"
	echo "runs=$runs"
	echo "only=$only"
	echo "fs=$fses"
	echo "serial=${BENCH_SERIAL:-0}"
	echo "cores=$(nproc)"
	echo "clk_tck=$(getconf CLK_TCK)"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "qemu=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')"
} > "$meta"
status=0
SECONDS=0

# the images of the layermount workloads (when BENCH_ONLY keeps any)
host_wl="unpack_gzip unpack_zstd inspect_gzip inspect_zstd"
eval "$("$top/vm/bench-image.sh" --sizes "$size")"	# LAYERS, ...
img=$BUILD/bench-image-$size
data=()
# shellcheck disable=SC2086 # a list of workloads
if wanted $host_wl "mount_${LAYERS}_cold" "mount_${LAYERS}_warm"; then
	"$top/vm/bench-image.sh" "$img" "$size" || exit 1
	data=(--data "$img/guest")
fi

# 8a: unpacking, on the host (user space; QEMU's emulation would only
# blur it): layermount unpack with every check against tar and bsdtar of
# the same blob into the same filesystem. layermount publishes a layer only
# once it is on disk (syncfs), so tar and bsdtar are followed by sync -f.
lfsbench=$BUILD/tools/lfsbench
lm=$top/helper/layermount
dst=$BUILD/bench-unpack
# (BENCH_HOST_RUNS=0 keeps the figures of the last run)
[ "${BENCH_HOST_RUNS:-$runs}" = 0 ] || { : > "$out/raw-host.txt"; rm -f "$out/load-host.csv"; }
for r in $(seq 1 "${BENCH_HOST_RUNS:-$runs}"); do
	for comp in gzip zstd; do
		wanted "unpack_$comp" || continue
		for tool in layermount tar bsdtar; do
			rm -rf "$dst"
			mkdir -p "$dst"
			sync
			case $tool-$comp in
			layermount-*)	hostrun "unpack_$comp" "$tool" "$r" "$lm" unpack -q --store "$dst/store" "$img/big-$comp" ;;
			tar-gzip)	hostrun "unpack_$comp" "$tool" "$r" sh -c "tar -xzf '$img/big.tar.gz' -C '$dst' && sync -f '$dst'" ;;
			tar-zstd)	hostrun "unpack_$comp" "$tool" "$r" sh -c "zstd -qdc '$img/big.tar.zst' | tar -x -C '$dst' && sync -f '$dst'" ;;
			bsdtar-gzip)	hostrun "unpack_$comp" "$tool" "$r" sh -c "bsdtar -xf '$img/big.tar.gz' -C '$dst' && sync -f '$dst'" ;;
			bsdtar-zstd)	hostrun "unpack_$comp" "$tool" "$r" sh -c "bsdtar -xf '$img/big.tar.zst' -C '$dst' && sync -f '$dst'" ;;
			esac >> "$out/raw-host.txt"
		done
	done
done
rm -rf "$dst"

# 8b: inspect, on the host: layermount inspect (digests, the tar stream,
# the whole-image model and the report) against GNU tar -t and bsdtar -t
# listing the same compressed blobs; then the peak RSS (GNU time) of
# inspect over the image of ENTRIES entries (vm/bench-image.sh), against
# tar -t's: inspect keeps every path, tar none.
for r in $(seq 1 "${BENCH_HOST_RUNS:-$runs}"); do
	for comp in gzip zstd; do
		wanted "inspect_$comp" || continue
		for tool in layermount tar bsdtar; do
			case $tool-$comp in
			layermount-*)	hostrun "inspect_$comp" "$tool" "$r" sh -c "'$lm' inspect --json '$img/big-$comp' > /dev/null" ;;
			tar-gzip)	hostrun "inspect_$comp" "$tool" "$r" sh -c "tar -tzf '$img/big.tar.gz' > /dev/null" ;;
			tar-zstd)	hostrun "inspect_$comp" "$tool" "$r" sh -c "zstd -qdc '$img/big.tar.zst' | tar -t > /dev/null" ;;
			bsdtar-*)	hostrun "inspect_$comp" "$tool" "$r" sh -c "bsdtar -tf '$img/big.tar.$([ $comp = gzip ] && echo gz || echo zst)' > /dev/null" ;;
			esac >> "$out/raw-host.txt"
		done
	done
done
rss=$out/rss-host.txt
if wanted inspect_gzip inspect_zstd; then
	entries=$(find "$img/entries/blobs" -type f -size +1k -print -quit)
	echo "# peak RSS (GNU time), $(zcat "$entries" | tar -t | wc -l) tar entries (vm/bench-image.sh entries):" > "$rss"
	/usr/bin/time -a -o "$rss" -f "  layermount inspect: %M KiB, %e s" \
		"$lm" inspect --json "$img/entries" > /dev/null
	/usr/bin/time -a -o "$rss" -f "  tar -tzf:           %M KiB, %e s" \
		tar -tzf "$entries" > /dev/null
fi
# 8c: commit, on the host: layermount commit (gzip, zlib level 6) of an
# upper of 1 GiB in 10,000 files (ten times the guest's commit_gzip;
# smoke: 200 of 4 KiB, as the guest's) in an overlayfs mount of a small
# image, against tar -c | gzip (level 6, its default) and bsdtar -czf of
# the same upper directory; the target is layermount/tar within 1.2
if wanted commit_gzip; then
	C=$BUILD/bench-commit
	rm -rf "$C"
	mkdir -p "$C/m" "$C/keep/upper"
	chmod 700 "$C/keep"
	python3 "$top/tests/host/fixtures/mkimage.py" basic "$C/img" \
		--outside "$C/outside" > /dev/null
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
				"$lm" -q --store "$C/store" --type overlay \
					--upper "$C/keep" "$C/img" "$C/m" ||
					echo "bench: commit: mount failed" >&2
				hostrun commit_gzip "$tool" "$r" "$lm" -q commit \
					--output "$C/out" "$C/m"
				"$lm" umount "$C/m" >&2 ;;
			tar)	hostrun commit_gzip "$tool" "$r" sh -c "tar -cf - -C '$C/keep/upper' . | gzip > '$C/out.tgz'" ;;
			bsdtar)	hostrun commit_gzip "$tool" "$r" bsdtar -czf "$C/out.tgz" -C "$C/keep/upper" . ;;
			esac >> "$out/raw-host.txt"
		done
	done
	rm -rf "$C"
fi
summarize host "$out/raw-host.txt" >> "$out/bench.csv"
runs_csv host "$out/raw-host.txt" >> "$out/bench-runs.csv"
[ ! -f "$out/load-host.csv" ] || cat "$out/load-host.csv" >> "$out/bench-load.csv"
echo "host_fs=$(df -T "$BUILD" | awk 'NR == 2 { print $2 }') under $BUILD" >> "$meta"
echo "host_seconds=$SECONDS" >> "$meta"

# (BENCH_HOST_ONLY=1: the host part alone, no guest)
if [ "${BENCH_HOST_ONLY:-0}" != 1 ]; then
	# The kernels' guests run at the same time (BENCH_SERIAL=1: one after
	# the other): each workload is single-threaded and each guest has one
	# vCPU (vm/run.sh), so two guests on two cores barely meet, and every
	# ratio compares runs made in the same guest. A watcher per guest
	# stamps its bench-marks with the host's load and CPU ticks.
	# guest_done KERNEL PID WATCHER-PID T0: wait for a guest and its watcher
	guest_done() {
		wait "$2" || {
			status=1
			echo "bench: the guest run on $1 failed:"
			grep -E '^(not ok|#)' "$out/run-$1.log" | head -n 20
		}
		wait "$3"
		loadmark "$1" - guest - 0 end >> "$out/load-$1.csv"
		echo "guest_seconds_$1=$((SECONDS - $4))" >> "$meta"
	}
	pids=()
	for s in $kvers; do
		rel=$("$top/vm/krel" "$s") || exit 1
		echo "kernel_$s=$rel" >> "$meta"
		echo "# bench on $s ($rel), $size: log in $out/run-$s.log"
		rm -rf "$out/vm-$s"
		t0=$SECONDS
		loadmark "$s" - guest - 0 start > "$out/load-$s.csv"
		"$top/vm/run.sh" --kver "$s" --suite bench --tests bench --verbose \
			--out "$out/vm-$s" "${data[@]}" "${args[@]}" > "$out/run-$s.log" 2>&1 &
		pid=$!
		watch_marks "$s" "$out/vm-$s/console.log" "$pid" >> "$out/load-$s.csv" &
		if [ "${BENCH_SERIAL:-0}" = 1 ]; then
			guest_done "$s" "$pid" "$!" "$t0"
		else
			pids+=("$s:$pid:$!:$t0")
		fi
	done
	for p in "${pids[@]}"; do
		IFS=: read -r s pid wpid t0 <<< "$p"
		guest_done "$s" "$pid" "$wpid" "$t0"
	done

	for s in $kvers; do
		grep '^BENCH ' "$out/run-$s.log" > "$out/raw-$s.txt"
		summarize "$s" "$out/raw-$s.txt" >> "$out/bench.csv"
		grep '^BENCHMEM ' "$out/run-$s.log" > "$out/mem-$s.txt"
		summarize "$s" "$out/mem-$s.txt" >> "$out/mem.csv"
		runs_csv "$s" "$out/raw-$s.txt" >> "$out/bench-runs.csv"
		cat "$out/load-$s.csv" >> "$out/bench-load.csv"
	done
fi

# the tables with their verdicts, and the charts
"$top/vm/bench-report.py" "$out" || status=1
exit $status
