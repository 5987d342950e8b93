#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-host.sh: run the host tests (tests/host/NAME.sh) and print KTAP.
# Each test runs under bash from the repository root with T (a fresh scratch
# directory), LAYERMOUNT (the built helper) and BUILD; exit 0 passes, 77
# skips (the last "SKIP:" line is the reason; each skip is also listed in
# $BUILD/host/skips for tests/check.sh), anything else fails.
# $TESTS (globs) picks a subset; HOST_TIMEOUT bounds each test (600 s).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-$top/build}
export BUILD LAYERMOUNT=$top/helper/layermount
out=$BUILD/host
mkdir -p "$out"

mapfile -t names < <(vm/select-tests.sh tests/host "${TESTS:-}")

echo "KTAP version 1"
echo "# layerfs host tests"
echo "1..${#names[@]}"
pass=0 failn=0 skipn=0 i=0
: > "$out/skips"
for n in "${names[@]}"; do
	i=$((i + 1))
	T=$(mktemp -d "${TMPDIR:-/tmp}/lfs-host-$n.XXXXXX")
	T=$T timeout -k 10 "${HOST_TIMEOUT:-600}" bash "tests/host/$n.sh" \
		< /dev/null > "$out/$n.log" 2>&1
	rc=$?
	case $rc in
	0)	pass=$((pass + 1)); echo "ok $i $n"
		grep '^# ' "$out/$n.log" | sed 's/^/#   /' ;;
	77)	skipn=$((skipn + 1))
		why=$(sed -n 's/^SKIP: *//p' "$out/$n.log" | tail -n 1)
		echo "$n $why" >> "$out/skips"
		echo "ok $i $n # SKIP $why" ;;
	*)	failn=$((failn + 1))
		why=$(sed -n 's/^FAIL: *//p' "$out/$n.log" | tail -n 1)
		[ $rc -eq 124 ] && why="timeout"
		echo "not ok $i $n # ${why:-exit status $rc}"
		tail -n 20 "$out/$n.log" | sed 's/^/#   /' ;;
	esac
	rm -rf "$T"
done
echo "# host: $pass passed, $failn failed, $skipn skipped"
echo "$pass $failn $skipn" > "$out/summary"
[ "$failn" -eq 0 ]
