#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench cannot rot: a smoke run (tiny sizes, tmpfs, 2 runs, first
# kernel of KVERS) must produce the tables, the CSVs and the charts, with a
# figure for every workload on layerfs, overlayfs and the direct
# filesystem, every run's figure, and the host's load at the start and end
# of every run; BENCH_ONLY runs only the workloads it names.
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

# the reads and lookups also run on layerfs_imm (immutable_lowers)
# (one line: echo joins the words)
# shellcheck disable=SC2046,SC2116
imm=$(echo stat_warm_50k stat_cold_50k readdir_100k readdir_100k_reopen5 \
	readdir_100k_rewind5 tar_c find_sha256 $(for n in 5 20; do
		for w in miss hit_bottom path5 warm_miss warm_hit warm_path5; do
			echo "lookup_${w}_$n"; done; done))
workloads="$imm seqread randread_4k mmapread copyup_first_write chmod_small
	create_write_unlink mount_10_cold mount_10_warm commit_gzip"
for w in $workloads; do
	ts="layerfs overlay direct"
	case " $imm " in *" $w "*) ts="$ts layerfs_imm" ;; esac
	for t in $ts; do
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
# every run, and the host's load at its start and end (and the guest's)
# (28 workloads on 3 targets, 19 of them on layerfs_imm too; 2 runs)
n=$(grep -c "^$kver,tmpfs,[a-z0-9_]*,[a-z_]*,[12],[0-9.]*\$" "$out/bench-runs.csv")
want=$(((28 * 3 + 19) * 2))
[ "$n" -eq "$want" ] || { echo "FAIL: $n runs in bench-runs.csv, not $want"; exit 1; }
for ph in start end; do
	# (time, loads, other and own qemu, CPU ticks: all and the bench's, time)
	n=$(grep -c "^$kver,[a-z0-9_,-]*,$ph,[0-9]*,[0-9.]*,[0-9.]*,[0-9.]*,[0-9]*,[0-9]*,[0-9]*,[0-9]*,[0-9.]*\$" "$out/bench-load.csv")
	[ "$n" -eq $((want + 1)) ] || { echo "FAIL: $n $ph marks of $kver in bench-load.csv, not $((want + 1))"; exit 1; }
done
grep -q "^kernel_$kver=$(vm/krel "$kver")\$" "$out/bench-meta.txt" || { echo "FAIL: no kernel release in bench-meta.txt"; exit 1; }
[ -s "$out/table-$kver.txt" ] || { echo "FAIL: no table"; exit 1; }
# (columns: layerfs, layerfs immutable ("-": seqread does not run on it),
# overlayfs, direct, layerfs/overlayfs [interval], verdict)
grep -Eq '^ +tmpfs +seqread +[0-9.]+ +- +[0-9.]+ +[0-9.]+ +[0-9.]+ \[[0-9.]+-[0-9.]+\] +too few runs ' "$out/table-$kver.txt" ||
	{ echo "FAIL: no ratio, interval and verdict (too few runs: 2) of seqread"; exit 1; }
[ -s "$out/table-host.txt" ] || { echo "FAIL: no host table"; exit 1; }
grep -Eq '^  layermount inspect: [0-9]+ KiB' "$out/rss-host.txt" ||
	{ echo "FAIL: no peak RSS of inspect"; exit 1; }
for c in ratios ratios-direct ratios-host; do
	file "$out/$c.png" 2>/dev/null | grep -q PNG || { echo "FAIL: no PNG chart $c.png"; exit 1; }
done

# BENCH_ONLY, on the host part alone: unpack_gzip and nothing else
BENCH_ONLY='unpack_g*' BENCH_HOST_ONLY=1 BENCH_RUNS=1 vm/bench.sh smoke > "$T/only.out" 2>&1 ||
	{ cat "$T/only.out"; echo "FAIL: BENCH_ONLY=unpack_g* BENCH_HOST_ONLY=1 failed"; exit 1; }
[ "$(cut -d, -f3 "$out/bench-runs.csv" | sort -u | tr '\n' ' ')" = "unpack_gzip workload " ] ||
	{ echo "FAIL: BENCH_ONLY=unpack_g* ran: $(cut -d, -f3 "$out/bench-runs.csv" | sort -u | tr '\n' ' ')"; exit 1; }
