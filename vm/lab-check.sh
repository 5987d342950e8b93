#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lab-check.sh [--ref] [--kver SERIES] [--tree DIR] [--w1] LAB...: build a
# lab's student tree (build/lab-LAB, from `make lab LAB=N`), run the tests
# of its exercises (tests/labs/lLAB_M_*.sh) and print, per exercise, ok or
# not ok with a hint (Documentation/labs/).
#
#   --ref          the real code instead of the student tree (REF=1); the
#                  guest tests of every LAB given then run in one guest
#   --kver SERIES  the kernel the module is built for and booted (6.12)
#   --tree DIR     the student tree (one LAB; default build/lab-LAB)
#   --w1           build with W=1 and fail on any compiler warning
#   --out DIR      where results and logs go (build/labs/lab-LAB, or
#                  build/labs/ref-LAB-... with --ref)
#
# Guest tests run in one guest per module (vm/run.sh: its kernel log is
# checked for oopses and warnings, and the run ends with rmmod layerfs);
# host tests (helper/ labs) run here with the tree's layermount.
# Results: build/labs/RUN/results, "N.M ok|fail" a line, and "module ok"
# or "module fail REASON" (kernel log, rmmod, boot) for vm/labs-ci.sh.
# Exit status: 0 when every exercise and the module's checks are ok.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-$top/build}
export BUILD

ref=0 kver=6.12 tree='' w1=0 labs=() out=
while [ $# -gt 0 ]; do
	case "$1" in
	--ref)	ref=1 ;;
	--kver)	kver=$2; shift ;;
	--tree)	tree=$2; shift ;;
	--w1)	w1=1 ;;
	--out)	out=$2; shift ;;
	-*)	echo "lab-check: unknown option $1" >&2; exit 1 ;;
	*)	labs+=("$1") ;;
	esac
	shift
done
[ ${#labs[@]} -gt 0 ] || { echo "lab-check: which lab? (make lab-check LAB=N)" >&2; exit 1; }
[ -z "$tree" ] || [ ${#labs[@]} -eq 1 ] || { echo "lab-check: --tree takes one lab" >&2; exit 1; }
[ $ref = 1 ] || [ ${#labs[@]} -eq 1 ] || { echo "lab-check: one lab at a time (or --ref)" >&2; exit 1; }

# exercises of the labs: N.M, test, guest|host, FILE:FUNCTION, hint, what
ex=$BUILD/labs/exercises.$$
mkdir -p "$BUILD/labs"
trap 'rm -f "$ex"' EXIT
for l in "${labs[@]}"; do
	n=$(vm/lab.py exercises "$l" | tee -a "$ex" | wc -l)
	[ "$n" -gt 0 ] || { echo "lab-check: lab $l has no exercises (labs: $(vm/lab.py labs))" >&2; exit 1; }
done

if [ $ref = 1 ]; then
	tree=$top run=ref-$(echo "${labs[@]}" | tr ' ' '-')
else
	tree=$(realpath -m "${tree:-$BUILD/lab-${labs[0]}}")
	run=lab-${labs[0]}
	[ -f "$tree/EXERCISES" ] || { echo "lab-check: no student tree in $tree: make lab LAB=${labs[0]} first" >&2; exit 1; }
fi
out=${out:-$BUILD/labs/$run}
rm -rf "$out"
mkdir -p "$out/suite"
res=$out/results
: > "$res"

# build: the module when a test runs in the guest, the helper when one
# runs on the host
log=$out/build.log
if grep -q "	guest	" "$ex"; then
	rel=$(vm/krel "$kver") || exit 1
	kdir=$(vm/krel --kdir "$kver") || exit 1
	if [ $ref = 1 ]; then
		mtree=$BUILD/$rel
		vm/linktree.sh "$top" "$mtree" || exit 1
	else
		mtree=$tree
	fi
	echo "# building layerfs.ko for $rel from ${mtree#"$top"/}"
	extra=()
	[ $w1 = 1 ] && extra=(W=1)
	if ! nice -n 10 make -C "$kdir" M="$mtree" "${extra[@]}" modules > "$log" 2>&1; then
		grep -E 'error|Error' "$log" | head -n 20
		echo "lab-check: the module does not build (log: $log)"
		exit 1
	fi
	if [ $w1 = 1 ] && grep -q 'warning:' "$log"; then
		grep 'warning:' "$log" | head -n 20
		echo "lab-check: W=1 warnings (log: $log)"
		exit 1
	fi
fi
if grep -q "	host	" "$ex"; then
	echo "# building layermount from ${tree#"$top"/}/helper"
	[ $ref = 1 ] || cp -f "$top/VERSION" "$tree/" 2>/dev/null
	if ! nice -n 10 make -s -C "$tree/helper" > "$log.helper" 2>&1; then
		grep -E 'error|warning' "$log.helper" | head -n 20
		echo "lab-check: the helper does not build (log: $log.helper)"
		exit 1
	fi
fi

# the guest tests, in one guest
guest_out=$out/guest.ktap
module=ok
if grep -q "	guest	" "$ex"; then
	while IFS=$'\t' read -r _ t kind _; do
		[ "$kind" = guest ] && cp "tests/labs/$t.sh" "$out/suite/"
	done < "$ex"
	ko=()
	[ $ref = 1 ] || ko=(--ko "$tree/kmod/layerfs.ko")
	echo "# running the exercises' tests in a $kver guest"
	vm/run.sh --kver "$kver" --suite-dir "$out/suite" --out "$out/vm" \
		"${ko[@]}" > "$guest_out" 2>&1
	for c in guest_boot rmmod_layerfs kernel_log boot_kernel_log shutdown_kernel_log; do
		line=$(grep -E "^not ok [0-9]+ $c( |$)" "$guest_out")
		[ -n "$line" ] && module="fail $c: ${line#*# }"
	done
fi

# the host tests, here
host_result() {	# host_result TEST: ok, or the last FAIL: line
	local t=$1 d rc
	d=$(mktemp -d "${TMPDIR:-/tmp}/lfs-lab.XXXXXX")
	T=$d LAYERMOUNT=$tree/helper/layermount timeout 300 \
		bash "tests/labs/$t.sh" > "$out/$t.log" 2>&1
	rc=$?
	rm -rf "$d"
	if [ $rc = 0 ]; then echo ok
	else echo "fail $(grep '^FAIL: ' "$out/$t.log" | tail -n 1 | cut -c7-)"; fi
}

pass=0 failn=0
while IFS=$'\t' read -r e t kind where hint what; do
	if [ "$kind" = host ]; then
		r=$(host_result "$t")
	else
		line=$(grep -E "^(not )?ok [0-9]+ $t( |$)" "$guest_out")
		case "$line" in
		ok*)	r=ok ;;
		"")	r="fail not run" ;;
		*)	why=${line#*# }
			r="fail ${why% (*}" ;;
		esac
	fi
	if [ "$r" = ok ]; then
		pass=$((pass + 1))
		printf 'ok     %s %s\n' "$e" "$what"
		echo "$e ok" >> "$res"
	else
		failn=$((failn + 1))
		printf 'not ok %s %s\n' "$e" "$what"
		printf '       test:  tests/labs/%s.sh: %s\n' "$t" "${r#fail }"
		printf '       where: %s\n' "$where"
		printf '       hint:  %s\n' "$hint"
		echo "$e fail" >> "$res"
	fi
done < "$ex"
echo "module $module" >> "$res"
if [ "$module" != ok ]; then
	echo "not ok module: ${module#fail } (guest log: $out/vm/console.log)"
fi
what=student
[ $ref = 1 ] && what=reference
if grep -q "	guest	" "$ex"; then
	echo "# lab ${labs[*]} ($what, $kver): $pass ok, $failn not ok, module $module"
else
	# no guest, no module: the tests ran here with the tree's layermount
	echo "# lab ${labs[*]} ($what, host): $pass ok, $failn not ok"
fi
[ "$failn" = 0 ] && [ "$module" = ok ]
