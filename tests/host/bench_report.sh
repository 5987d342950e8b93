#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm/bench-report.py on synthetic runs, no guest: the verdict of a ratio
# comes from the interval of the runs (clearly faster, clearly slower,
# overlapping: within noise; too few runs: no verdict), the summary counts
# the verdicts, rows whose direct column is other work stay out of the
# counts, a busy machine (another qemu, other processes' CPU, or without
# CPU ticks the load above the cores) is warned about, and the README's block is written only from runs of 5 or more,
# between its markers, leaving the rest of the file alone. The layerfs
# immutable column shows - where it has no figure; the lookup goals
# are MET, NOT MET or UNCLEAR by their intervals, not measured
# without a figure, and reach the README; the memory a mount held is a
# table of its own.
. tests/host/lib.sh

rep=vm/bench-report.py

# the verdict of two sets of runs
v() { "$rep" verdict "$1" "$2" | awk '{ print $4 }'; }
[ "$(v "1.00 1.02 0.98 1.01 0.99" "2.0 2.1 1.9 2.05 1.95")" = faster ] ||
	fail "clearly faster runs: $("$rep" verdict "1.00 1.02 0.98 1.01 0.99" "2.0 2.1 1.9 2.05 1.95")"
[ "$(v "3.0 3.1 2.9 3.05 2.95" "1.00 1.02 0.98 1.01 0.99")" = slower ] ||
	fail "clearly slower runs: $("$rep" verdict "3.0 3.1 2.9 3.05 2.95" "1.00 1.02 0.98 1.01 0.99")"
# the medians differ (1.05 against 1.20) but the runs overlap
[ "$(v "1.05 0.90 1.30 1.00 1.10" "1.20 0.95 1.25 1.15 1.22")" = noise ] ||
	fail "overlapping runs: $("$rep" verdict "1.05 0.90 1.30 1.00 1.10" "1.20 0.95 1.25 1.15 1.22")"
# one outlier hides a difference, never makes one
[ "$(v "1.00 1.02 0.98 1.01 2.50" "2.0 2.1 1.9 2.05 1.95")" = noise ] ||
	fail "an outlier did not widen the interval"
# separated, but 3 runs: 1 in 20 by chance, no verdict
[ "$(v "1.0 1.01 0.99" "2.0 2.1 1.9")" = few ] || fail "a verdict from 3 runs"
[ "$("$rep" verdict "1 1.2 1.1 1.05" "2 2.4 2.2 2.1")" = "0.50 0.42 0.60 faster" ] ||
	fail "ratio and interval: $("$rep" verdict "1 1.2 1.1 1.05" "2 2.4 2.2 2.1")"

# synth DIR RUNS LOAD1 OTHER: a bench directory of RUNS runs per figure on
# one kernel: stat_warm_50k faster than overlayfs, readdir_100k slower,
# tar_c within noise, copyup_first_write (other work than direct) slower
synth() {
	local d=$1 n=$2 r
	mkdir -p "$d"
	printf 'date=2026-12-01T10:00Z\ncommit=abc1234\nsize=full\nruns=%s\nonly=\ncores=2\nkernel_6.12=6.12.99-test\n' "$n" > "$d/bench-meta.txt"
	echo "kernel,fs,workload,target,run,seconds" > "$d/bench-runs.csv"
	echo "kernel,fs,workload,target,run,phase,time,load1,load5,load15,other_qemu,bench_qemu" > "$d/bench-load.csv"
	for r in $(seq 1 "$n"); do
		awk -v r="$r" -v l="$3" -v o="$4" 'BEGIN {
			split("stat_warm_50k 1.0 2.0 1.5 readdir_100k 3.0 1.0 1.0 tar_c 1.0 1.0 1.0 copyup_first_write 2.0 1.0 0.001", a, " ")
			split("layerfs overlay direct", t, " ")
			for (i = 1; i <= 16; i += 4)
				for (j = 1; j <= 3; j++) {
					# a spread of +-4% (+-30% for tar_c) around the base
					s = a[i + j] * (1 + ((r * 7 + j * 3) % 5 - 2) * (a[i] == "tar_c" ? 0.15 : 0.02))
					printf "6.12,ext4,%s,%s,%d,%.4f\n", a[i], t[j], r, s > "/dev/stderr"
					printf "6.12,ext4,%s,%s,%d,start,0,%s,1,1,%d,1\n", a[i], t[j], r, l, o
				}
		}' >> "$d/bench-load.csv" 2>> "$d/bench-runs.csv"
	done
}

synth "$T/b5" 5 0.9 0
printf '%s\n' "kernel,fs,set,target,median_kib,min_kib,max_kib,runs" \
	"6.12,ext4,reads,layerfs,120.000000,100.000000,150.000000,5" \
	"6.12,ext4,reads,layerfs_imm,12000.000000,11800.000000,12100.000000,5" > "$T/b5/mem.csv"
"$rep" "$T/b5" > "$T/out5" || { cat "$T/out5"; fail "bench-report failed on 5 runs"; }
# the memory a mount held: a row per set, "-" for a target without figures
grep -Eq '^ +6\.12 +ext4 +reads +120 \[100-150\] +12000 \[11800-12100\] +-$' "$T/out5" ||
	fail "memory held: $(grep -A5 '^Memory held' "$T/out5")"
row() { grep -E "^ +ext4 +$1 " "$T/b5/table-6.12.txt" || fail "no row $1: $(cat "$T/b5/table-6.12.txt")"; }
# the layerfs/overlayfs verdict, - (no layerfs immutable), the layerfs/direct one
row stat_warm_50k | grep -Eq ' 0\.50 \[0\.[0-9]+-0\.[0-9]+\] +faster +- +0\.67 \[[0-9.-]+\] +faster ' ||
	fail "stat_warm_50k: $(row stat_warm_50k)"
row readdir_100k | grep -Eq ' 3\.00 \[[0-9.-]+\] +slower +- +3\.00 \[[0-9.-]+\] +slower ' ||
	fail "readdir_100k: $(row readdir_100k)"
row tar_c | grep -Eq ' 1\.00 \[0\.[0-9]+-1\.[0-9]+\] +within noise +- +1\.00 \[[0-9.-]+\] +within noise ' ||
	fail "tar_c: $(row tar_c)"
row copyup_first_write | grep -Eq ' 2\.00 \[[0-9.-]+\] +slower +- +[0-9]+\* \[' ||
	fail "copyup_first_write is not marked as other work: $(row copyup_first_write)"
grep -qx '    6.12 layerfs/overlayfs: 1 faster, 2 slower, 1 within noise' "$T/out5" ||
	fail "layerfs/overlayfs counts: $(grep -A4 '^Verdicts' "$T/out5")"
grep -qx '    6.12 layerfs/direct: 1 faster, 1 slower, 1 within noise' "$T/out5" ||
	fail "layerfs/direct counts (copy-up left out): $(grep -A4 '^Verdicts' "$T/out5")"
! grep -q WARNING "$T/out5" || fail "an idle machine was called busy"
file "$T/b5/ratios.png" | grep -q 'PNG image' || fail "no chart"
file "$T/b5/ratios-direct.png" | grep -q 'PNG image' || fail "no layerfs/direct chart"

# the README's block, between the markers, from 5 runs
begin=$(sed -n 's/^BEGIN = "\(.*\)"$/\1/p' "$rep" | sed 's/\\"/"/g')
end=$(sed -n 's/^END = "\(.*\)"$/\1/p' "$rep")
if [ -z "$begin" ] || [ -z "$end" ]; then fail "no markers in $rep"; fi
printf 'before\n%s\nstale table\n%s\nafter\n' "$begin" "$end" > "$T/README"
"$rep" --readme "$T/README" "$T/b5" > /dev/null || fail "README not written from 5 runs"
if [ "$(head -n 1 "$T/README")" != before ] || [ "$(tail -n 1 "$T/README")" != after ]; then
	fail "text outside the markers changed: $(cat "$T/README")"
fi
! grep -q 'stale table' "$T/README" || fail "the old block stayed"
tr '\n' ' ' < "$T/README" > "$T/README.flat"
grep -q 'Latest benchmark: 2026-12-01T10:00Z, commit abc1234, full size, runs per figure: 5;' "$T/README.flat" ||
	fail "no date and commit: $(cat "$T/README")"
grep -q '6.12 (6.12.99-test)' "$T/README.flat" || fail "no kernel release in the README"
grep -q 'host load (1 min) 0.9-0.9, other qemu processes up to 0' "$T/README.flat" ||
	fail "no machine load in the README"
grep -Eq '^ +ext4 +stat_warm_50k .* faster' "$T/README" || fail "no table in the README"

# 4 runs: verdicts, but no README; a busy machine is warned about
synth "$T/b4" 4 3.5 1
cp "$T/README" "$T/README.5"
"$rep" "$T/b4" > "$T/out4" || fail "bench-report failed on 4 runs"
grep -q "^WARNING: the machine was busy during 4 of 4 workloads" "$T/out4" ||
	fail "no warning of a busy machine: $(tail -n 3 "$T/out4")"
grep -Eq '^ +ext4 +tar_c .* 3\.5! ' "$T/b4/table-6.12.txt" || fail "busy rows not marked"
if "$rep" --readme "$T/README" "$T/b4" > /dev/null 2> "$T/err4"; then
	fail "README written from 4 runs"
fi
grep -q 'the README quotes only figures of 5 runs or more' "$T/err4" || fail "refusal: $(cat "$T/err4")"
cmp -s "$T/README" "$T/README.5" || fail "a refused README changed"

# with CPU ticks in the marks, the load of this bench's own guests does
# not make the machine busy (side by side: load 4.5 on 2 cores), the CPU
# other processes used does: stat_warm_50k's 10 s saw the bench's guests
# use 1,800 of the 1,850 ticks (0.05 cores for others), readdir_100k's
# 1,200 of 2,400 (1.2 cores); tar_c has no end mark (no figure: -)
synth "$T/b6" 5 4.5 0
echo "kernel,fs,workload,target,run,phase,time,load1,load5,load15,other_qemu,bench_qemu,cpu_ticks,own_ticks,rtime" > "$T/b6/bench-load.csv"
printf '%s\n' "6.12,ext4,stat_warm_50k,layerfs,1,start,100,4.5,4,3,0,2,1000,500,100.0" \
	"6.12,ext4,stat_warm_50k,overlay,5,end,110,4.5,4,3,0,2,2850,2300,110.0" \
	"6.12,ext4,readdir_100k,layerfs,1,start,200,3.0,3,3,0,2,5000,4000,200.0" \
	"6.12,ext4,readdir_100k,overlay,5,end,210,3.0,3,3,0,2,7400,5200,210.0" \
	"6.12,ext4,tar_c,layerfs,1,start,300,4.5,4,3,0,2,9000,8000,300.0" >> "$T/b6/bench-load.csv"
"$rep" "$T/b6" > "$T/out6" || fail "bench-report failed with CPU ticks"
row6() { grep -E "^ +ext4 +$1 " "$T/b6/table-6.12.txt"; }
row6 stat_warm_50k | grep -Eq ' 4\.5 +0\.05 ' || fail "the bench's own load called busy: $(row6 stat_warm_50k)"
row6 readdir_100k | grep -Eq ' 3\.0! +1\.20 ' || fail "others' CPU not marked busy: $(row6 readdir_100k)"
row6 tar_c | grep -Eq ' 4\.5! +- ' || fail "without ticks, load above the cores is busy: $(row6 tar_c)"
grep -q "^WARNING: the machine was busy during 2 of 4 workloads" "$T/out6" ||
	fail "busy count with CPU ticks: $(tail -n 3 "$T/out6")"

# the layerfs immutable column and the lookup goals: 5 runs of tmpfs
# lookups and listings (the figures below, +-4% per run) and an ext4
# seqread without layerfs_imm. Intervals of equal figures: [0.92-1.08].
synth_goals() {
	local d=$1 r wl t base
	mkdir -p "$d"
	printf 'date=2026-12-02T10:00Z\ncommit=def5678\nsize=full\nruns=5\nonly=\ncores=2\nkernel_6.12=6.12.99-test\n' > "$d/bench-meta.txt"
	echo "kernel,fs,workload,target,run,seconds" > "$d/bench-runs.csv"
	for r in 1 2 3 4 5; do
		while read -r wl t base; do
			awk -v r="$r" -v b="$base" -v w="$wl" -v t="$t" 'BEGIN {
				split(w, f, ":")
				printf "6.12,%s,%s,%s,%d,%.4f\n", f[1], f[2], t, r, b * (1 + (r - 3) * 0.02)
			}' >> "$d/bench-runs.csv"
		done <<-EOF
		tmpfs:lookup_warm_miss_500 layerfs 1.0
		tmpfs:lookup_warm_miss_500 layerfs_imm 1.0
		tmpfs:lookup_warm_miss_500 overlay 1.0
		tmpfs:lookup_warm_miss_5 layerfs 0.5
		tmpfs:lookup_warm_miss_5 layerfs_imm 0.9
		tmpfs:lookup_warm_hit_500 layerfs 1.2
		tmpfs:lookup_warm_hit_500 overlay 1.0
		tmpfs:lookup_warm_path5_500 layerfs 1.0
		tmpfs:lookup_miss_500 layerfs_imm 1.0
		tmpfs:lookup_miss_500 overlay 10
		tmpfs:lookup_miss_5 layerfs_imm 0.3
		tmpfs:lookup_hit_bottom_500 layerfs_imm 1.0
		tmpfs:lookup_hit_bottom_500 overlay 2.0
		tmpfs:lookup_path5_500 layerfs_imm 1.0
		tmpfs:lookup_path5_500 overlay 5.0
		tmpfs:readdir_100k layerfs 1.0
		tmpfs:readdir_100k layerfs_imm 0.9
		tmpfs:readdir_100k overlay 1.0
		tmpfs:readdir_100k_reopen5 layerfs_imm 1.5
		tmpfs:readdir_100k_reopen5 overlay 1.0
		tmpfs:readdir_100k_rewind5 overlay 1.0
		ext4:seqread layerfs 1.0
		ext4:seqread overlay 1.0
		ext4:seqread direct 1.0
		EOF
	done
}
synth_goals "$T/g"
"$rep" "$T/g" > "$T/outg" || { cat "$T/outg"; fail "bench-report failed on the goals' runs"; }
cp "$T/g/report.txt" "$T/rg"

# the table: layerfs immutable's column and its ratio to overlayfs, - where
# it has none (seqread), the other columns unharmed
tg=$T/g/table-6.12.txt
grep -Eq '^ +fs +workload +layerfs +layerfs immutable +overlayfs +direct +layerfs/overlayfs +verdict +layerfs immutable/overlayfs +verdict +layerfs/direct' "$tg" ||
	fail "table header: $(head -n 3 "$tg")"
grep -Eq '^ +tmpfs +readdir_100k +1\.00 +0\.90 +1\.00 +- +1\.00 \[0\.92-1\.08\] +within noise +0\.90 \[0\.83-0\.98\] +faster +- +[0-9.-]+ +[0-9.-]+ +[0-9.]+m$' "$tg" ||
	fail "readdir_100k with layerfs immutable: $(grep readdir_100k "$tg")"
grep -Eq '^ +ext4 +seqread +1\.00 +- +1\.00 +1\.00 +1\.00 \[0\.92-1\.08\] +within noise +- +1\.00 \[0\.92-1\.08\] +within noise +- +[0-9.-]+ +[0-9.]+m$' "$tg" ||
	fail "seqread without layerfs immutable: $(grep seqread "$tg")"
[ "$(grep -A3 '^Verdicts:' "$T/rg")" = "Verdicts:
    6.12 layerfs/overlayfs: 0 faster, 1 slower, 3 within noise
    6.12 layerfs immutable/overlayfs: 4 faster, 1 slower, 1 within noise
    6.12 layerfs/direct: 0 faster, 0 slower, 1 within noise" ] ||
	fail "counts with layerfs immutable: $(grep -A4 '^Verdicts' "$T/rg")"

# the goals: one block, tmpfs (ext4 has no lookups)
grep -qx 'Lookup goals (stacks of 5 and 500 layers):' "$T/rg" || fail "no goals section: $(cat "$T/rg")"
grep -qx '6.12 (6.12.99-test), tmpfs:' "$T/rg" || fail "no tmpfs goals: $(cat "$T/rg")"
! grep -q '^6.12 (6.12.99-test), ext4:' "$T/rg" || fail "a goals block without figures"
goal() {	# WORKLOAD RATIO-TEXT REST: the goal's row ends with REST
	grep -E "^    $1 +$2 " "$T/rg" | grep -Eq " $3 +-\$" ||
		fail "goal $1 $2: want '$3': $(grep -E "^    $1 +$2 " "$T/rg" || echo none)"
}
goal lookup_warm_miss 'layerfs 500 / overlayfs 500' '1\.00 +1\.00 +1\.00 \[0\.92-1\.08\] +<= 1\.2 +MET'
goal lookup_warm_miss 'layerfs immutable 500 / overlayfs 500' '1\.00 +1\.00 +1\.00 \[0\.92-1\.08\] +<= 1\.2 +MET'
goal lookup_warm_miss 'layerfs 500 / layerfs 5' '1\.00 +0\.50 +2\.00 \[1\.85-2\.17\] +<= 1\.5 +NOT MET'
goal lookup_warm_miss 'layerfs immutable 500 / layerfs immutable 5' '1\.00 +0\.90 +1\.11 \[1\.03-1\.20\] +<= 1\.5 +MET'
goal lookup_warm_hit 'layerfs 500 / overlayfs 500' '1\.20 +1\.00 +1\.20 \[1\.11-1\.30\] +<= 1\.2 +UNCLEAR'
goal lookup_warm_hit 'layerfs immutable 500 / overlayfs 500' '- +1\.00 +- +<= 1\.2 +not measured'
goal lookup_warm_path5 'layerfs 500 / layerfs 5' '1\.00 +- +- +<= 1\.5 +not measured'
goal lookup_miss 'layerfs immutable 500 / layerfs immutable 5' '1\.00 +0\.30 +3\.33 \[3\.08-3\.61\] +<= 2 +NOT MET'
goal lookup_miss 'overlayfs 500 / layerfs immutable 500' '10\.0 +1\.00 +10\.0 \[9\.23-10\.8\] +>= 5 +MET'
goal lookup_hit_bottom 'overlayfs 500 / layerfs immutable 500' '2\.00 +1\.00 +2\.00 \[1\.85-2\.17\] +>= 5 +NOT MET'
# (a path of 5 is no goal: its merged directories need every layer)
! grep -E '^    lookup_path5 ' "$T/rg" || fail "lookup_path5 among the goals"
goal readdir_100k 'layerfs immutable / overlayfs' '0\.90 +1\.00 +0\.90 \[0\.83-0\.98\] +<= 1 +MET'
goal readdir_100k_reopen5 'layerfs immutable / overlayfs' '1\.50 +1\.00 +1\.50 \[1\.38-1\.63\] +<= 1 +NOT MET'
goal readdir_100k_rewind5 'layerfs immutable / overlayfs' '- +1\.00 +- +<= 1 +not measured'
[ "$(grep -cE '^    (lookup|readdir)_[a-z0-9_]+ +[a-z ]+( [0-9]+)? / ' "$T/rg")" = 19 ] ||
	fail "not 19 goals: $(sed -n '/^Lookup goals/,$p' "$T/rg")"
grep -qx '    5 MET, 4 NOT MET, 1 UNCLEAR, 9 not measured' "$T/rg" ||
	fail "goal counts: $(sed -n '/^Lookup goals/,$p' "$T/rg")"

# and in the README's block
printf '%s\n%s\n' "$begin" "$end" > "$T/READMEg"
"$rep" --readme "$T/READMEg" "$T/g" > /dev/null || fail "README not written from the goals' runs"
grep -qx 'Lookup goals (stacks of 5 and 500 layers):' "$T/READMEg" ||
	fail "no goals in the README: $(cat "$T/READMEg")"
grep -Eq '^    lookup_miss +overlayfs 500 / layerfs immutable 500 .* >= 5 +MET ' "$T/READMEg" ||
	fail "no goal rows in the README"

# runs without lookups or listings (ext4's seqread alone): one line
mkdir "$T/s"
cp "$T/g/bench-meta.txt" "$T/s/"
grep -v ',tmpfs,' "$T/g/bench-runs.csv" > "$T/s/bench-runs.csv"
"$rep" "$T/s" > /dev/null || fail "bench-report failed on seqread alone"
grep -qx 'Lookup goals (stacks of 5 and 500 layers): no figures (no lookup_\*_5 or _500, no readdir_100k\* runs)' "$T/s/report.txt" ||
	fail "goals of runs without lookups: $(sed -n '/^Lookup goals/,$p' "$T/s/report.txt")"
