#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: the whole test suite, as `make check` runs it: the build, lint,
# the host tests (the harness self-test among them) and the in-guest suite
# on every kernel series in $KVERS (default: 6.1 6.12). $TESTS picks guest
# and host tests by name (and leaves lint out). A SKIP that tests/skips
# does not list fails. Ends with the time of each part, the ten slowest
# tests and "total: N passed, N failed, N skipped", and exits non-zero if
# anything failed.
#
# After the build and the images every guest needs (vm/mkinitramfs.sh
# --base, the bench smoke image), the parts run side by side, $CHECK_JOBS
# (2, one per CPU: a third made every part 17% costlier) at a time, the
# longest first: lint, the host tests that boot no
# guest, and as parts of their own the host tests that do (a "# guests:"
# line in their header: "each kernel" runs once per kernel, "first
# kernel" once; ", after vm/SCRIPT.sh" runs that image build first, as a
# part of its own), and each kernel's guest suite, split over $CHECK_SHARDS
# (4) guests by the durations in tests/durations, the races that ask for
# two vCPUs in guests of their own, the rest in guests of one (the host
# tests that boot no guest likewise, over $CHECK_HOST_SHARDS (2) runs).
# CHECK_PARTS=kernel runs only what runs once per kernel (the guest
# suites, the "each kernel" host tests): .ci/run's way to test a kernel
# that make check leaves out. Each part's output is printed whole when it
# ends; its logs stay in $BUILD/check.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-$top/build}
export BUILD KVERS=${KVERS:-6.1 6.12}
JOBS=${CHECK_JOBS:-2}
SHARDS=${CHECK_SHARDS:-4}
HOST_SHARDS=${CHECK_HOST_SHARDS:-2}
PARTS=${CHECK_PARTS:-all}
out=$BUILD/check
start=${EPOCHREALTIME/./}
status=0
# steal: the CPU time (in USER_HZ ticks) the hypervisor gave others while
# this machine wanted it, /proc/stat's eighth figure
steal() { awk '$1 == "cpu" { print $9 }' /proc/stat; }
steal0=$(steal)

section() {
	echo
	echo "=== $1"
}

# secs USEC: the seconds (one decimal) since the time USEC
secs() {
	local d=$(( (${EPOCHREALTIME/./} - $1) / 100000 ))
	echo "$((d / 10)).$((d % 10))"
}

rm -rf "$out"
mkdir -p "$out"

for s in $KVERS; do
	rel=$(vm/krel "$s") || exit 1
	echo "# kernel $s: $rel"
	# where it and its build tree come from (and, for a kernel prepared
	# by vm/bpo-kernel.sh, how the build tree's config differs)
	vm/krel --info "$s" | sed 's/^/#   /'
done
echo "# $(qemu-system-x86_64 --version | head -n 1)"
echo "# $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $JOBS parts at a time"

# Phases done one after the other: "NAME SECONDS" (for the summary)
phases=()

section "build"
t=${EPOCHREALTIME/./}
# what `make all` builds, for the kernels of $KVERS only (lint builds the
# module for every supported kernel, in a copy of its own)
targets=(helper tools)
for s in $KVERS; do
	targets+=("module-$s" "testmod-$s")
done
if ! make --no-print-directory -j2 "${targets[@]}" > "$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log"
	echo "not ok build # make ${targets[*]} failed (log: $out/build.log)"
	exit 1
fi
phases+=("build $(secs "$t")")
echo "# module, helper and tools built in $(secs "$t") s"

section "images"
t=${EPOCHREALTIME/./}
pids=()
for s in $KVERS; do
	vm/mkinitramfs.sh --base "$(vm/krel "$s")" &
	pids+=($!)
done
vm/bench-image.sh "$BUILD/bench-image-smoke" smoke &
pids+=($!)
for p in "${pids[@]}"; do
	wait "$p" || { echo "not ok images # an image build failed"; exit 1; }
done
phases+=("images $(secs "$t")")
echo "# initramfs bases and the bench smoke image in $(secs "$t") s"

# ---------------------------------------------------------------- parts
# A part: a command, its estimated time (seconds; the longest parts start
# first), the directory where it leaves summary ("P F S"),
# skips ("NAME REASON" lines) and times ("SECONDS NAME" lines), the
# suite its skips belong to (tests/skips), a label for its tests in the
# slowest list, and a part that must have ended before it starts.
parts=()
declare -A CMD EST DIR SUITE LABEL AFTER PID START END RC

# part NAME ESTIMATE DIR SUITE LABEL AFTER CMD...
part() {
	local n=$1
	parts+=("$n")
	EST[$n]=$2 DIR[$n]=$3 SUITE[$n]=$4 LABEL[$n]=$5 AFTER[$n]=$6
	shift 6
	CMD[$n]=$(printf '%q ' "$@")
}

# hostmark NAME: the "# guests:" header line of a host test
hostmark() {
	sed -n '1,12s/^# guests: *//p' "tests/host/$1.sh"
}

# estimate KEY: the seconds tests/durations gives KEY ("guest/NAME",
# "host/NAME", "lint"); else a guest test's timeout / 10, else 5
estimate() {
	local d
	d=$(awk -v k="$1" '$1 == k { print $2; exit }' tests/durations)
	if [ -z "$d" ] && [[ $1 == guest/* ]]; then
		d=$(sed -n '1,5s/^# timeout: *\([0-9]*\).*/\1/p' "tests/${1}.sh")
		d=$(( ${d:-120} / 10 ))
	fi
	echo "${d:-5}"
}

# shards SUITE N NAMES...: the tests of SUITE (guest, host) split over N
# runs, one line per run, "SECONDS NAME...": the estimated time, then the
# names in order. Longest first, each to the run with the least so far.
shards() {
	local suite=$1 count=$2 n k i
	shift 2
	for n in "$@"; do
		# "# split: K": K parts NAME.1ofK ... NAME.KofK, each on a guest
		# of its own, each doing its share of the work
		k=$(sed -n '1,5s/^# split: *\([0-9]*\).*/\1/p' "tests/$suite/$n.sh")
		if [ "$suite" = guest ] && [ "${k:-1}" -gt 1 ]; then
			for i in $(seq 1 "$k"); do
				echo "$(( $(estimate "$suite/$n") / k )) $n.${i}of$k"
			done
		else
			echo "$(estimate "$suite/$n") $n"
		fi
	done | sort -k1,1nr -k2 | awk -v s="$count" '
	{ b = 1; for (i = 2; i <= s; i++) if (load[i] < load[b]) b = i
	  load[b] += $1; list[b] = list[b] " " $2 }
	END { for (i = 1; i <= s; i++) if (list[i] != "") print load[i], substr(list[i], 2) }' |
	while read -r est line; do
		echo "$est $(tr ' ' '\n' <<< "$line" | sort | tr '\n' ' ' | sed 's/ $//')"
	done
}

# the guest suites, each kernel's over $SHARDS guests. The tests that ask
# for two vCPUs ("# vcpus: 2": races) have guests of their own, the others
# share guests of one vCPU (vm/run.sh), so that two vCPUs are paid for only
# where they are needed; the guests are shared out between the two kinds
# by their estimated times, at least one each.
BOOT=10		# seconds a boot adds to a guest's estimate
mapfile -t gnames < <(vm/select-tests.sh tests/guest "${TESTS:-}")
smp=() up=() tsmp=0 tup=0
for n in "${gnames[@]}"; do
	e=$(estimate "guest/$n")
	if [ "$(sed -n '1,8s/^# vcpus: *\([0-9]*\).*/\1/p' "tests/guest/$n.sh")" = 2 ]; then
		smp+=("$n") tsmp=$((tsmp + e))
	else
		up+=("$n") tup=$((tup + e))
	fi
done
# (one guest: every test in it, with the vCPUs its races ask for)
[ "$SHARDS" -ge 2 ] || { up=("${gnames[@]}") smp=(); }
nsmp=0 nup=$SHARDS
if [ ${#smp[@]} -gt 0 ] && [ ${#up[@]} -gt 0 ]; then
	nsmp=$(( (SHARDS * tsmp + (tsmp + tup) / 2) / (tsmp + tup) ))
	[ "$nsmp" -ge 1 ] || nsmp=1
	[ "$nsmp" -lt "$SHARDS" ] || nsmp=$((SHARDS - 1))
	nup=$((SHARDS - nsmp))
elif [ ${#smp[@]} -gt 0 ]; then
	nsmp=$SHARDS nup=0
fi
# Two guests of two vCPUs at once would want 4 CPUs: one runs after the
# other (the previous one is its AFTER).
prev=
for s in $KVERS; do
	[ ${#gnames[@]} -gt 0 ] || break
	rel=$(vm/krel "$s") || exit 1
	i=0
	while read -r kind est line; do
		i=$((i + 1))
		d=$BUILD/vm/$rel/guest-$i
		after=
		[ "$kind" = up ] || { after=$prev; prev=guest-$s-$i; }
		part "guest-$s-$i" $((est + BOOT)) "$d" guest "$s/" "$after" \
			vm/run.sh --kver "$s" --tests "$line" --out "$d"
	done < <([ "$nsmp" = 0 ] || shards guest "$nsmp" "${smp[@]}" | sed 's/^/smp /'
		 [ "$nup" = 0 ] || shards guest "$nup" "${up[@]}" | sed 's/^/up /')
done

mapfile -t hnames < <(vm/select-tests.sh tests/host "${TESTS:-}")
plain=()
for n in "${hnames[@]}"; do
	mark=$(hostmark "$n")
	est=$(estimate "host/$n")
	# "..., after vm/SCRIPT.sh": SCRIPT (an image build) runs first, as a
	# part of its own
	after=
	if [[ $mark == *", after "* ]]; then
		pre=${mark#*, after }
		after=$(basename "$pre" .sh)
		[ -n "${CMD[$after]:-}" ] || part "$after" 1000 "" "" "" "" "$pre"
	fi
	# CHECK_PARTS=kernel: only what runs per kernel
	[ "$PARTS" = kernel ] && [ "${mark%%,*}" != "each kernel" ] && continue
	case ${mark%%,*} in
	"each kernel")
		for s in $KVERS; do
			part "$n-$s" "$est" "$out/$n-$s" host "host/$n@$s" "$after" \
				env KVERS="$s" tests/run-host.sh --out "$out/$n-$s" --names "$n"
		done ;;
	"")	plain+=("$n") ;;
	*)	part "$n" "$est" "$out/$n" host "host/$n" "$after" \
			tests/run-host.sh --out "$out/$n" --names "$n" ;;
	esac
done
if [ -z "${TESTS:-}" ] && [ "$PARTS" = all ]; then
	part lint "$(estimate lint)" "$BUILD/lint" lint "lint/" "" vm/lint.sh
fi
# the host tests that boot no guest, over $HOST_SHARDS runs
if [ ${#plain[@]} -gt 0 ]; then
	i=0
	while read -r est line; do
		i=$((i + 1))
		part "host-$i" "$est" "$out/host-$i" host "host/" "" \
			tests/run-host.sh --out "$out/host-$i" --names "$line"
	done < <(shards host "$HOST_SHARDS" "${plain[@]}")
fi
# the longest first (an image build first of all: others wait for it)
mapfile -t parts < <(for n in "${parts[@]}"; do echo "${EST[$n]} $n"; done |
	sort -k1,1nr -k2 | cut -d' ' -f2)

# ------------------------------------------------------------ the runs
# the parts' own output, whole, when each ends
report() {
	local n=$1
	section "$n ($(( (END[$n] - START[$n]) / 1000000 )) s)"
	cat "$out/$n.log"
}

pending=("${parts[@]}")
running=0
while [ ${#pending[@]} -gt 0 ] || [ "$running" -gt 0 ]; do
	rest=()
	for n in "${pending[@]}"; do
		a=${AFTER[$n]}
		if [ "$running" -lt "$JOBS" ] && { [ -z "$a" ] || [ -n "${END[$a]:-}" ]; }; then
			START[$n]=${EPOCHREALTIME/./}
			# the part's CPU time (its own and its waited-for
			# children's: the guests' qemu), from bash's `times`
			( eval "${CMD[$n]}"; rc=$?; times > "$out/$n.cpu"; exit $rc ) \
				> "$out/$n.log" 2>&1 &
			PID[$!]=$n
			running=$((running + 1))
		else
			rest+=("$n")
		fi
	done
	pending=("${rest[@]}")
	[ "$running" -gt 0 ] || break
	wait -n -p done_pid
	rc=$?
	n=${PID[$done_pid]}
	END[$n]=${EPOCHREALTIME/./}
	RC[$n]=$rc
	running=$((running - 1))
	report "$n"
done

# ------------------------------------------------------------- summing up
# allowed SKIP NAME REASON: tests/skips lists the skip
allowed() {
	local key pat
	while read -r key pat; do
		[[ $key == "#"* || -z $key ]] && continue
		# shellcheck disable=SC2053 # the reason is a pattern
		[ "$key" = "$1" ] && [[ $2 == $pat ]] && return 0
	done < tests/skips
	return 1
}
section "skips (tests/skips)"
unlisted=0
for n in "${parts[@]}"; do
	f=${DIR[$n]}/skips
	{ [ -n "${DIR[$n]}" ] && [ -f "$f" ]; } || continue	# no report: counted below
	while read -r name why; do
		if allowed "${SUITE[$n]}/$name" "$why"; then
			echo "# allowed SKIP ${SUITE[$n]}/$name: $why"
		else
			echo "not ok unlisted SKIP ${SUITE[$n]}/$name # $why"
			unlisted=$((unlisted + 1))
		fi
	done < "$f"
done

p=0 f=0 k=0
for n in "${parts[@]}"; do
	if [ -z "${DIR[$n]}" ]; then
		# a step without tests of its own (an image build)
		[ "${RC[$n]}" = 0 ] || { echo "not ok $n # exit status ${RC[$n]}"; f=$((f + 1)); }
	elif [ -f "${DIR[$n]}/summary" ]; then
		read -r a b c < "${DIR[$n]}/summary"
		p=$((p + a)) f=$((f + b)) k=$((k + c))
	else
		echo "not ok $n # reported no summary (exit status ${RC[$n]})"
		f=$((f + 1))	# a part that did not even report
	fi
	[ "${RC[$n]}" = 0 ] || status=1
done
f=$((f + unlisted))
[ "$f" -eq 0 ] || status=1

section "times"
printf '# %-26s %8s\n' "phase (one after the other)" "seconds"
for ph in "${phases[@]}"; do
	printf '# %-26s %8s\n' "${ph% *}" "${ph##* }"
done
# cpu NAME: the CPU seconds (user + system) part NAME and its children used
cpu() {
	awk 'NR == 2 { t = 0
		for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }
		printf "%d", t + 0.5 }' "$out/$1.cpu" 2>/dev/null || echo 0
}
printf '# %-26s %8s %8s %8s %8s\n' "part (side by side)" "start" "end" "seconds" "CPU s"
cpusum=0
for n in "${parts[@]}"; do
	c=$(cpu "$n")
	cpusum=$((cpusum + ${c:-0}))
	printf '# %-26s %8d %8d %8d %8s\n' "$n" $(( (START[$n] - start) / 1000000 )) \
		$(( (END[$n] - start) / 1000000 )) $(( (END[$n] - START[$n]) / 1000000 )) "$c"
done
echo "# the parts used $cpusum CPU seconds, $(nproc) CPUs for $(( (${EPOCHREALTIME/./} - start) / 1000000 )) s" \
	"($(( ($(steal) - steal0) / $(getconf CLK_TCK) )) CPU s stolen by the hypervisor)"
echo "# the ten slowest tests (seconds):"
for n in "${parts[@]}"; do
	{ [ -n "${DIR[$n]}" ] && [ -f "${DIR[$n]}/times" ]; } || continue
	# a part of one host test names it in its label already
	case ${LABEL[$n]} in
	*/)	sed "s|^\([0-9.]*\) |\1 ${LABEL[$n]}|" "${DIR[$n]}/times" ;;
	*)	sed "s|^\([0-9.]*\) .*|\1 ${LABEL[$n]}|" "${DIR[$n]}/times" ;;
	esac
done | sort -k1,1gr | head -n 10 | awk '{ printf "#   %7.1f  %s\n", $1, $2 }'
# this run's durations, as tests/durations wants them (the longest over
# the kernels, whole seconds)
for n in "${parts[@]}"; do
	case ${SUITE[$n]} in
	guest|host)
		sed -n "s|^\([0-9.]*\) \(.*\)|${SUITE[$n]}/\2 \1|p" "${DIR[$n]}/times" 2>/dev/null ;;
	lint)	echo "lint $(( (END[$n] - START[$n]) / 1000000 ))" ;;
	esac
done | awk '$1 != "guest/guest_boot" {
		k = $1; v = int($2 + 0.999)
		# a part NAME.IofK counts for K times its own
		if (match(k, /\.[0-9]+of[0-9]+$/)) {
			n = substr(k, RSTART + 1); sub(/.*of/, "", n)
			k = substr(k, 1, RSTART - 1); v *= n
		}
		if (!(k in m) || v > m[k]) m[k] = v }
	END { for (k in m) print k, m[k] }' | sort > "$out/durations"
echo "# (durations of this run, for tests/durations: $out/durations)"
echo
echo "# make check took $(secs "$start") s (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
echo "total: $p passed, $f failed, $k skipped"
exit $status
