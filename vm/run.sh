#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh --kver SERIES [options]: boot one guest with layerfs.ko under
# qemu-system-x86_64 -accel tcg, run in-guest tests, print KTAP.
#
#   --kver 6.1|6.12|7.3    kernel series (mapped to a release by vm/krel)
#   --tests "GLOBS"        test names to run (default: $TESTS, else all)
#   --suite NAME           tests/NAME/*.sh (default: guest; stress)
#   --suite-dir DIR        run DIR/*.sh instead (the harness self-test)
#   --test-timeout S       default per-test timeout in the guest (120)
#   --timeout-scale N      multiply every per-test timeout, and the allowance
#                          between tests, by N (slow debug kernels; 1; a
#                          loaded host multiplies it again, see below)
#   --watchdog S           kill the guest after S s without progress once
#                          it has reported in (default: the running test's
#                          timeout + 60)
#   --boot-timeout S       time allowed until the guest reports in (120)
#   --extra-ko FILE        also load this (test-only) module; repeatable
#   --ko FILE              this layerfs.ko instead of build/RELEASE/kmod's
#                          (a lab's student tree, vm/lab-check.sh)
#   --shell                interactive shell on the console instead of tests
#   --verbose              print every test's output (make demo)
#   --no-layerfs           do not load layerfs.ko before the tests
#   --out DIR              where logs go (default build/vm/RELEASE/SUITE)
#   --mem MiB              guest memory (2048)
#   --vcpus N              the guest's vCPUs (default: 2 when a test to run
#                          asks for them with a "# vcpus: 2" line, else 1)
#   --disk SIZE            size of the scratch disk /dev/vda (2G)
#   --disk-image FILE      use FILE as /dev/vda and keep it (crash tests);
#                          a guest may then ask to be killed ("KILL" on the
#                          result channel, lib.sh's request_kill), and say
#                          that the kill came too late for it ("KILL-LATE
#                          why", lib.sh's request_kill_during): its test
#                          then fails, "guest killed too late"
#   --env VAR=VALUE        set VAR in the guest's tests; repeatable
#   --data DIR             copy DIR into the guest as /tests/data
#   --kernel-image FILE    boot FILE instead of the series' kernel, with
#   --release REL          this release (layerfs.ko from build/REL/kmod) and
#   --moddir DIR           its modules under DIR/lib/modules/REL (debug kernels)
#
# Every test's KTAP line ends with its duration (guest_boot's: from the
# start of this script until the guest reported in), and OUT/times lists
# them, "SECONDS NAME" a line, for tests/check.sh's slowest-ten list.
#
# Exit status: 0 when every test passed or was skipped and the guest shut
# down cleanly (rmmod layerfs succeeded, no kernel log findings).
set -uo pipefail

# All of the script is one compound command, read whole before it runs: a
# run (an hour on a debug kernel) survives edits to this file meanwhile.
{

t_start=${EPOCHREALTIME/./}
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
export BUILD

kver='' tests=${TESTS:-} suite=guest suite_dir='' test_timeout=120 watchdog=''
boot_timeout=120 scale=1 extra=() mode=test out='' mem=2048 verbose=0 load=1
kimage='' krel='' moddir='' disk=2G envs=() data='' disk_image='' layerfs_ko=''
vcpus=''
while [ $# -gt 0 ]; do
	case "$1" in
	--kver)		kver=$2; shift ;;
	--tests)	tests=$2; shift ;;
	--suite)	suite=$2; shift ;;
	--suite-dir)	suite_dir=$(cd "$2" && pwd) || exit 1; suite=suite; shift ;;
	--test-timeout)	test_timeout=$2; shift ;;
	--timeout-scale) scale=$2; shift ;;
	--watchdog)	watchdog=$2; shift ;;
	--boot-timeout)	boot_timeout=$2; shift ;;
	--extra-ko)	extra+=("$2"); shift ;;
	--ko)		layerfs_ko=$(realpath "$2") || exit 1; shift ;;
	--shell)	mode=shell ;;
	--verbose)	verbose=1 ;;
	--no-layerfs)	load=0 ;;
	--out)		out=$2; shift ;;
	--mem)		mem=$2; shift ;;
	--vcpus)	vcpus=$2; shift ;;
	--disk)		disk=$2; shift ;;
	--env)		envs+=("$2"); shift ;;
	--data)		data=$(cd "$2" && pwd) || exit 1; shift ;;
	--disk-image)	disk_image=$2; shift ;;
	--kernel-image)	kimage=$2; shift ;;
	--release)	krel=$2; shift ;;
	--moddir)	moddir=$2; shift ;;
	*)		echo "run.sh: unknown option $1" >&2; exit 1 ;;
	esac
	shift
done
[ -n "$kver" ] || { echo "run.sh: --kver is required" >&2; exit 1; }
if [ -n "$krel" ]; then
	rel=$krel
	kernel=$kimage
else
	rel=$("$top/vm/krel" "$kver") || exit 1
	kernel=$("$top/vm/krel" --image "$kver") || exit 1
	# a kernel not installed on the system (vm/bpo-kernel.sh) brings its
	# modules along
	[ -n "$moddir" ] || moddir=$("$top/vm/krel" --moddir "$kver") || exit 1
fi
[ -r "$kernel" ] || { echo "run.sh: $kernel missing (make deps)" >&2; exit 1; }
[ -f "${layerfs_ko:-$BUILD/$rel/kmod/layerfs.ko}" ] || { echo "run.sh: no layerfs.ko for $rel (make)" >&2; exit 1; }

dir=${suite_dir:-$top/tests/$suite}
out=${out:-$BUILD/vm/$rel/$suite}
rm -rf "$out"
mkdir -p "$out"

# The tests to run: every NAME.sh of the suite whose NAME matches a glob.
mapfile -t names < <("$top/vm/select-tests.sh" "$dir" "$tests")
if [ "$mode" = test ] && [ ${#names[@]} -eq 0 ]; then
	echo "run.sh: no test in $dir matches '${tests:-*}'" >&2
	exit 1
fi

# A host already loaded beyond its CPUs (guests side by side, other
# users) runs every guest slower: the per-test timeouts grow with the load
# average per CPU at the start, rounded up, at most threefold (the
# watchdog below follows the load as it changes).
ncpu=$(nproc)
read -r load1 _ < /proc/loadavg
load1=${load1%.*}
if [ "$load1" -gt "$ncpu" ]; then
	f=$(( (load1 + ncpu - 1) / ncpu ))
	scale=$(( scale * (f > 3 ? 3 : f) ))
fi

# per-test timeouts, as the guest computes them, and the vCPUs the tests
# want. One vCPU unless a test asks for two: its race needs two CPUs
# running at once. Under TCG a vCPU waiting for another one (a TLB
# shootdown, a lock) spins while the host runs something else, so two
# vCPUs cost 1.6 times the CPU time for the same tests when guests run
# side by side (make check).
declare -A tmo
want=1
for n in "${names[@]}"; do
	t=$(sed -n '1,5s/^# timeout: *\([0-9]*\).*/\1/p' "$dir/${n%.*}.sh")
	tmo[$n]=$(( ${t:-$test_timeout} * scale ))
	v=$(sed -n '1,8s/^# vcpus: *\([0-9]*\).*/\1/p' "$dir/${n%.*}.sh")
	[ "${v:-1}" -le "$want" ] || want=$v
done
vcpus=${vcpus:-$want}

mods=()
for x in "${extra[@]}"; do
	mods+=("$(basename "$x" .ko)")
done
cat > "$out/lfs.conf" <<CONF
MODE=$mode
SUITE=$suite
TESTS="${names[*]}"
TEST_TIMEOUT=$test_timeout
TIMEOUT_SCALE=$scale
EXTRA_MODULES="${mods[*]}"
LOAD_LAYERFS=$load
VERBOSE=$verbose
CONF
for e in "${envs[@]}"; do
	printf "export %s='%s'\n" "${e%%=*}" "${e#*=}" >> "$out/lfs.conf"
done

LFS_KO=$layerfs_ko LFS_DATA_DIR=$data LFS_MODDIR=$moddir LFS_SUITE_DIR=$suite_dir "$top/vm/mkinitramfs.sh" "$rel" "$out/initramfs.cpio" \
	"$out/lfs.conf" "${extra[@]}" || { echo "run.sh: initramfs build failed" >&2; exit 1; }
if [ -n "$disk_image" ]; then
	[ -f "$disk_image" ] || truncate -s "$disk" "$disk_image"
	diskfile=$disk_image
else
	truncate -s "$disk" "$out/disk.img"
	diskfile=$out/disk.img
fi

# The CPU: the x86-64 baseline Debian builds for, with SMEP and SMAP (a
# kernel access to user memory outside the uaccess helpers faults). Not
# "max": there glibc and the kernel pick their AVX2 and AVX-512 routines,
# which TCG emulates more slowly than the baseline's SSE2 (the same guest
# tests took 10-15% more CPU; 2026-12-03). $LFS_QEMU_CPU overrides it.
qemu=(qemu-system-x86_64 -accel tcg -cpu "${LFS_QEMU_CPU:-qemu64,+smep,+smap}" -smp "$vcpus" -m "$mem" -nodefaults
	-no-reboot -display none
	-kernel "$kernel" -initrd "$out/initramfs.cpio"
	-append "console=ttyS0 panic=-1 no_timer_check loglevel=5 watchdog_thresh=20 rcupdate.rcu_cpu_stall_timeout=60 $([ "$mode" = shell ] || echo quiet) loglevel=5"
	-drive "file=$diskfile,if=virtio,format=raw,cache=unsafe")

if [ "$mode" = shell ]; then
	exec "${qemu[@]}" -serial mon:stdio -serial "file:$out/results.log"
fi

: > "$out/results.log"
"${qemu[@]}" -serial "file:$out/console.log" -serial "file:$out/results.log" \
	> "$out/qemu.log" 2>&1 &
qpid=$!

# Watchdog: progress is a new line on the result channel. A guest that may
# ask to be killed is looked at ten times a second, so that the kill lands
# soon after the request (in the middle of an operation).
poll=1
[ -n "$disk_image" ] && poll=0.1
hung=
killed=
lines=0
boot_s=
last=$SECONDS
while kill -0 $qpid 2>/dev/null; do
	sleep $poll
	cur=$(wc -l < "$out/results.log")
	if [ "$cur" -ne "$lines" ]; then
		[ "$lines" -eq 0 ] && boot_s=$(( (${EPOCHREALTIME/./} - t_start) / 100000 ))
		lines=$cur
		last=$SECONDS
		if [ -n "$disk_image" ] && tr -d '\r' < "$out/results.log" | grep -q '^KILL$'; then
			kill -KILL $qpid 2>/dev/null
			killed=1
			break
		fi
	fi
	st=$(tr -d '\r' < "$out/results.log" | grep -E '^(START|RESULT [1-9])' | tail -n 1)
	if [ "$lines" -eq 0 ]; then
		limit=$boot_timeout
	elif [[ $st == START* ]]; then
		read -r _ _ cur_test <<< "$st"
		limit=$(( ${tmo[$cur_test]:-$test_timeout} + 60 ))
	else
		# between tests: long enough for the guest's hung-task report (60 s)
		limit=$((180 * scale))
	fi
	# (not before the guest reported in: under load a boot takes longer)
	[ -n "$watchdog" ] && [ "$lines" -gt 0 ] && [ "$watchdog" -lt "$limit" ] && limit=$watchdog
	# Guests side by side, and other users' work, slow every guest down:
	# each allowance is multiplied by the load average per CPU (rounded
	# up), when that is above 1
	read -r load1 _ < /proc/loadavg
	load1=${load1%.*}
	[ "$load1" -gt "$ncpu" ] && limit=$((limit * ((load1 + ncpu - 1) / ncpu)))
	if [ $((SECONDS - last)) -gt "$limit" ]; then
		hung="guest hung: no progress for ${limit}s"
		kill -KILL $qpid 2>/dev/null
		break
	fi
done
wait $qpid 2>/dev/null

# Turn the result channel into KTAP.
res=$(tr -d '\r' < "$out/results.log")
pass=0 failn=0 skipn=0 idx=0
ktap=()
skips=()	# "NAME REASON" of every skip, for tests/check.sh
times=()	# "SECONDS NAME" of every test with a duration
dur=		# the duration of the next emit (seconds), if known
emit() {	# emit ok|fail|skip NAME [REASON]
	local d=
	idx=$((idx + 1))
	[ -n "$dur" ] && d=" ($dur s)" && times+=("$dur $2")
	case "$1" in
	ok)	pass=$((pass + 1)); ktap+=("ok $idx $2${dur:+ # $dur s}") ;;
	skip)	skipn=$((skipn + 1)); ktap+=("ok $idx $2 # SKIP ${3:-}$d")
		skips+=("$2 ${3:-}") ;;
	*)	failn=$((failn + 1))
		if [ -n "${3:-}" ]; then ktap+=("not ok $idx $2 # $3$d")
		else ktap+=("not ok $idx $2${dur:+ # $dur s}"); fi ;;
	esac
	dur=
}
diag() {	# diagnostics of test N, as KTAP comments
	awk -v n="$1" '$1 == "START" { cur = $2 } $1 == "DIAG" && cur == n { sub(/^DIAG /, ""); print "#   " $0 }' <<< "$res"
}

grel=$(sed -n 's/^KERNEL //p' <<< "$res" | head -n 1)
late=
[ -n "$killed" ] && late=$(sed -n 's/^KILL-LATE //p' <<< "$res" | head -n 1)
panic=$(grep -a -m 1 'Kernel panic' "$out/console.log" 2>/dev/null)
if [ -n "$late" ]; then
	why="guest killed too late"
elif [ -n "$killed" ]; then
	why="guest killed on request"
elif [ -n "$hung" ]; then
	why=$hung
elif [ -n "$panic" ]; then
	why="guest panicked: ${panic#*] }"
elif ! grep -q '^DONE' <<< "$res"; then
	why="guest died without reporting (see console log)"
else
	why=
fi

[ -n "$boot_s" ] && dur=$((boot_s / 10)).$((boot_s % 10))
if [ -n "$grel" ]; then emit ok guest_boot; else emit fail guest_boot "${why:-no report from the guest}"; fi
line=$(sed -n 's/^RESULT 0 boot fail //p' <<< "$res")
[ -n "$line" ] && emit fail boot_kernel_log "$line"
i=0
for n in "${names[@]}"; do
	i=$((i + 1))
	r=$(grep -m 1 "^RESULT $i $n " <<< "$res")
	if [ -z "$r" ]; then
		if [ -n "$killed" ] && grep -q "^START $i $n\$" <<< "$res"; then
			# it asked to be killed
			if [ -n "$late" ]; then emit fail "$n" "$why: $late"
			else emit ok "$n"; fi
			d=$(diag "$i")
			[ -n "$d" ] && ktap+=("$d")
		elif [ -n "$killed" ]; then
			emit skip "$n" "$why"
		elif grep -q "^START $i $n\$" <<< "$res"; then
			emit fail "$n" "${why:-no result}"
		else
			emit fail "$n" "not run: ${why:-guest stopped}"
		fi
		continue
	fi
	read -r _ _ _ st reason <<< "$r"
	dur=$(sed -n "s/^TIME $i \([0-9.]*\)\$/\1/p" <<< "$res" | head -n 1)
	emit "$st" "$n" "$reason"
	if [ "$st" = fail ]; then
		d=$(diag "$i")
		[ -n "$d" ] && ktap+=("$d")
	fi
done
rm_line=$(grep -m 1 '^RMMOD' <<< "$res")
case "$rm_line" in
"RMMOD ok")	emit ok rmmod_layerfs ;;
"")		if [ -n "$killed" ]; then emit skip rmmod_layerfs "$why"
		else emit fail rmmod_layerfs "not reached: ${why:-guest stopped}"; fi ;;
*)		emit fail rmmod_layerfs "${rm_line#RMMOD fail }" ;;
esac
line=$(sed -n 's/^RESULT 0 kmemleak fail //p' <<< "$res")
if [ -n "$line" ]; then
	emit fail kmemleak "$line"
	ktap+=("$(sed -n 's/^DIAG /#   /p' <<< "$res" | tail -n 40)")
elif grep -q '^KMEMLEAK ok' <<< "$res"; then
	emit ok kmemleak
fi
line=$(sed -n 's/^RESULT 0 shutdown fail //p' <<< "$res")
[ -n "$line" ] && emit fail shutdown_kernel_log "$line"
# The host reads the whole console as well: nothing may slip through.
line=$(grep -v '^#' "$top/vm/log-patterns" | grep -v '^$' |
	grep -a -E -m 1 -f - "$out/console.log" 2>/dev/null)
if [ -n "$line" ]; then emit fail kernel_log "${line#*] }"; else emit ok kernel_log; fi

if [ "$verbose" = 1 ]; then
	sed -n 's/^OUT //p' <<< "$res"
	echo
fi
echo "KTAP version 1"
echo "# layerfs $suite suite on $rel (qemu $(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p'), tcg, $vcpus vCPU$([ "$vcpus" = 1 ] || echo s))"
echo "1..$idx"
printf '%s\n' "${ktap[@]}"
echo "# $kver: $pass passed, $failn failed, $skipn skipped"
echo "$pass $failn $skipn" > "$out/summary"
printf '%s\n' "${skips[@]}" | sed '/^$/d' > "$out/skips"
printf '%s\n' "${times[@]}" | sed '/^$/d' > "$out/times"
if [ "$failn" -ne 0 ]; then
	echo "# console log: $out/console.log"
	exit 1
fi
exit 0
}
