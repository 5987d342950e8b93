#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness tests itself: it boots guests on deliberately broken cases
# (tests/selftest/CASE) and asserts that vm/run.sh reports each one as a
# failure, for the right reason, with all its guests side by side (and
# beside the other parts of make check). One kernel suffices (the first of
# KVERS).
# guests: first kernel
set -uo pipefail

kver=${KVERS:-6.1}
kver=${kver%% *}
kver=${kver:-6.1}
rel=$(vm/krel "$kver") || exit 1
ko=$BUILD/$rel/selftest/lfs_selftest.ko
[ -f "$ko" ] || { echo "FAIL: $ko not built"; exit 1; }

failed=0
# start CASE [run.sh options]: boot CASE's guest in the background; the
# cases run three at a time, side by side, as the guests of make check do
start() {
	local case=$1
	shift
	[ "$(jobs -r | wc -l)" -lt 3 ] || wait -n
	{
		vm/run.sh --kver "$kver" --suite-dir "tests/selftest/$case" \
			--tests "*" --out "$T/$case" --extra-ko "$ko" "$@" > "$T/$case.out" 2>&1
		echo $? > "$T/$case.rc"
	} &
}

# expect CASE STATUS REGEX: check CASE's status and output
expect() {
	local case=$1 want=$2 re=$3 rc
	rc=$(cat "$T/$case.rc")
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL: $case: exit status $rc, expected $want"
		failed=1
	elif ! grep -E -q -- "$re" "$T/$case.out"; then
		echo "FAIL: $case: output lacks /$re/"
		failed=1
	else
		echo "# $case: caught: $(grep -E -m 1 -- "$re" "$T/$case.out")"
		return
	fi
	sed 's/^/#   /' "$T/$case.out"
}

start hang --watchdog 15
start good
start fail
start panic
start warn
start unload
wait

# (every test line ends with its duration: "# 1.2 s" or " (1.2 s)")
d='( # [0-9.]+ s| \([0-9.]+ s\))$'
expect good 0 '^# [0-9.]+: 4 passed, 0 failed, 1 skipped$'
expect good 0 "^ok [0-9]+ skipped # SKIP deliberate skip$d"
expect good 0 "^ok [0-9]+ passing$d"
expect fail 1 "^not ok 2 failing # deliberate failure: got '1', expected '2'$d"
expect fail 1 "^not ok 3 slow # timeout after [0-9]+s$d"
expect fail 1 "^not ok 4 subshell # deliberate failure in a subshell$d"
expect fail 1 "^not ok 5 unchecked # unexpected exit status 1 at line 4$d"
expect panic 1 '^not ok 2 panic # guest panicked: '
expect hang 1 '^not ok 2 hang # guest hung: no progress for [0-9]+s$'
expect warn 1 '^not ok 2 warn # kernel log: .*WARNING: .*lfs_selftest'
expect unload 1 '^not ok 3 rmmod_layerfs # rmmod lfs_selftest: '
exit $failed
