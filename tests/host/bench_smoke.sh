#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench cannot rot: a smoke run (tiny sizes, tmpfs, 2 runs, first
# kernel of KVERS) must produce the table, the CSV and the chart, with a
# figure for every workload on layerfs, overlayfs and the direct filesystem.
# guests: first kernel
set -uo pipefail

kver=${KVERS:-6.1}
kver=${kver%% *}
out=$BUILD/bench-smoke
rm -rf "$out"
KVERS=$kver BENCH_RUNS=2 vm/bench.sh smoke > "$T/bench.out" 2>&1
rc=$?
sed 's/^/# /' "$T/bench.out" | grep -v '^# # data'
[ $rc -eq 0 ] || { echo "FAIL: vm/bench.sh smoke exited $rc"; exit 1; }

workloads="stat_warm_50k stat_cold_50k readdir_100k seqread randread_4k
	mmapread tar_c find_sha256 copyup_first_write chmod_small
	create_write_unlink lookup_miss_10 lookup_miss_20 lookup_hit_bottom_10
	lookup_hit_bottom_20 mount_10_cold mount_10_warm commit_gzip"
for w in $workloads; do
	for t in layerfs overlay direct; do
		grep -q "^$kver,tmpfs,$w,$t,[0-9.]*,[0-9.]*,[0-9.]*,2\$" "$out/bench.csv" ||
			{ echo "FAIL: no figure for $w on $t in bench.csv"; exit 1; }
	done
done
for w in unpack_gzip unpack_zstd inspect_gzip inspect_zstd commit_gzip; do
	for t in layermount tar bsdtar; do
		grep -q "^host,host,$w,$t,[0-9.]*,[0-9.]*,[0-9.]*,2\$" "$out/bench.csv" ||
			{ echo "FAIL: no figure for $w by $t in bench.csv"; exit 1; }
	done
done
[ -s "$out/table-$kver.txt" ] || { echo "FAIL: no table"; exit 1; }
[ -s "$out/table-host.txt" ] || { echo "FAIL: no host table"; exit 1; }
grep -Eq '^  layermount inspect: [0-9]+ KiB' "$out/rss-host.txt" ||
	{ echo "FAIL: no peak RSS of inspect"; exit 1; }
file "$out/ratios.png" 2>/dev/null | grep -q PNG || [ "$(head -c 4 "$out/ratios.png" | tail -c 3)" = PNG ] ||
	{ echo "FAIL: no PNG chart"; exit 1; }
