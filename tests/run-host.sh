#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-host.sh [--out DIR] [--names "NAME ..."]: run the host tests
# (tests/host/NAME.sh) and print KTAP.
# Each test runs under bash from the repository root with T (a fresh scratch
# directory), LAYERMOUNT (the built helper) and BUILD; exit 0 passes, 77
# skips (the last "SKIP:" line is the reason; each skip is also listed in
# DIR/skips for tests/check.sh), anything else fails. Every KTAP line ends
# with the test's duration, and DIR/times lists them ("SECONDS NAME").
# $TESTS (globs) picks a subset, --names exactly these tests; DIR is
# $BUILD/host unless --out says otherwise (tests/check.sh runs several of
# these side by side). HOST_TIMEOUT bounds each test (600 s).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-$top/build}
export BUILD LAYERMOUNT=$top/helper/layermount
out=$BUILD/host
names=()
while [ $# -gt 0 ]; do
	case "$1" in
	--out)		out=$2; shift ;;
	--names)	read -r -a names <<< "$2"; shift ;;
	*)		echo "run-host.sh: unknown option $1" >&2; exit 1 ;;
	esac
	shift
done
mkdir -p "$out"

[ ${#names[@]} -gt 0 ] || mapfile -t names < <(vm/select-tests.sh tests/host "${TESTS:-}")

echo "KTAP version 1"
echo "# layerfs host tests"
echo "1..${#names[@]}"
pass=0 failn=0 skipn=0 i=0
: > "$out/skips"
: > "$out/times"
for n in "${names[@]}"; do
	i=$((i + 1))
	T=$(mktemp -d "${TMPDIR:-/tmp}/lfs-host-$n.XXXXXX")
	t0=${EPOCHREALTIME/./}
	T=$T timeout -k 10 "${HOST_TIMEOUT:-600}" bash "tests/host/$n.sh" \
		< /dev/null > "$out/$n.log" 2>&1
	rc=$?
	ds=$(( (${EPOCHREALTIME/./} - t0) / 100000 ))
	d="$((ds / 10)).$((ds % 10))"
	echo "$d $n" >> "$out/times"
	case $rc in
	0)	pass=$((pass + 1)); echo "ok $i $n # $d s"
		grep '^# ' "$out/$n.log" | sed 's/^/#   /' ;;
	77)	skipn=$((skipn + 1))
		why=$(sed -n 's/^SKIP: *//p' "$out/$n.log" | tail -n 1)
		echo "$n $why" >> "$out/skips"
		echo "ok $i $n # SKIP $why ($d s)" ;;
	*)	failn=$((failn + 1))
		why=$(sed -n 's/^FAIL: *//p' "$out/$n.log" | tail -n 1)
		[ $rc -eq 124 ] && why="timeout"
		echo "not ok $i $n # ${why:-exit status $rc} ($d s)"
		tail -n 20 "$out/$n.log" | sed 's/^/#   /' ;;
	esac
	rm -rf "$T"
done
echo "# host: $pass passed, $failn failed, $skipn skipped"
echo "$pass $failn $skipn" > "$out/summary"
[ "$failn" -eq 0 ]
