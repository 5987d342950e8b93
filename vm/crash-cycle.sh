#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# crash-cycle.sh DIR [vm/run.sh options]: the crash-safety cycles of
# tests/crash on one kernel (the options choose it: --kver, and for a debug
# kernel --kernel-image, --release, --moddir ...).
#
# tests/crash holds cases in pairs NAME_1.sh, NAME_2.sh. For each case,
# phase 1 boots a guest with a fresh persistent disk DIR/NAME.img and runs
# NAME_1, which asks the host to kill QEMU at the moment the case is
# about (in the middle of a copy-up, right after an fsync); phase 2 boots
# again on the same disk and runs NAME_2, which checks what survived.
# A kill meant for the middle of an operation may land after its end
# (vm/run.sh reports "guest killed too late"): phase 1 then runs again on a
# fresh disk, up to three times in all.
# Output of both guests goes to DIR/NAME-phase{1,2}.txt. $CRASH_CASES
# (globs, default all) picks cases. Exits 0 when every kill happened and
# every phase 2 passed, 1 otherwise (with a FAIL: line).
set -uo pipefail

[ $# -ge 1 ] || { echo "usage: crash-cycle.sh DIR [vm/run.sh options]" >&2; exit 1; }
dir=$1
shift
cd "$(dirname "$0")/.." || exit 1
mkdir -p "$dir" || exit 1

# phase CASE N [run.sh options]: boot on the case's disk, run CASE_N;
# returns vm/run.sh's exit status
phase() {
	local c=$1 n=$2 rc
	shift 2
	vm/run.sh "$@" --suite crash --tests "${c}_$n" \
		--disk-image "$dir/$c.img" --out "$dir/$c-phase$n" \
		> "$dir/$c-phase$n.txt" 2>&1
	rc=$?
	sed 's/^/# /' "$dir/$c-phase$n.txt"
	return $rc
}

tries=3

cases=()
for f in tests/crash/*_1.sh; do
	c=$(basename "$f" _1.sh)
	[ -f "tests/crash/${c}_2.sh" ] ||
		{ echo "FAIL: tests/crash/${c}_1.sh has no ${c}_2.sh"; exit 1; }
	if [ -n "${CRASH_CASES:-}" ]; then
		match=0
		for g in $CRASH_CASES; do
			# shellcheck disable=SC2053
			[[ $c == $g ]] && match=1
		done
		[ $match = 1 ] || continue
	fi
	cases+=("$c")
done
[ ${#cases[@]} -gt 0 ] || { echo "FAIL: no crash case matches '${CRASH_CASES:-}'"; exit 1; }

for c in "${cases[@]}"; do
	echo "# crash case $c"
	try=1
	while :; do
		rm -f "$dir/$c.img"
		phase "$c" 1 "$@" && break
		rc=$?
		grep -q 'guest killed too late' "$dir/$c-phase1.txt" ||
			{ echo "FAIL: $c: phase 1 exited $rc"; exit 1; }
		[ $try -lt $tries ] ||
			{ echo "FAIL: $c: the kill came too late in all $tries tries of phase 1"; exit 1; }
		echo "# $c: the kill came too late (try $try of $tries): phase 1 again"
		try=$((try + 1))
	done
	grep -q 'guest killed on request' "$dir/$c-phase1.txt" ||
		{ echo "FAIL: $c: the guest was not killed in phase 1"; exit 1; }
	phase "$c" 2 "$@" ||
		{ echo "FAIL: $c: phase 2 exited $?"; exit 1; }
	grep -Eq "^ok [0-9]+ ${c}_2" "$dir/$c-phase2.txt" ||
		{ echo "FAIL: $c: phase 2 did not report ${c}_2 as passed"; exit 1; }
	rm -f "$dir/$c.img"
	echo "# crash case $c passed"
done
exit 0
