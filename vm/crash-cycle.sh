#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# crash-cycle.sh DIR [vm/run.sh options]: the crash-safety cycle of
# tests/crash on one kernel (the options choose it: --kver, and for a debug
# kernel --kernel-image, --release, --moddir ...).
#
# Phase 1 boots a guest with a fresh persistent disk DIR/disk.img and runs
# copyup_crash_1, which asks the host to kill QEMU in the middle of a
# large copy-up; phase 2 boots again on the same disk and runs
# copyup_crash_2, which remounts the upper and checks the file and W/work/.
# Output of both guests goes to DIR/phase{1,2}.txt. Exits 0 when the kill
# happened and phase 2 passed, 1 otherwise (with a FAIL: line).
set -uo pipefail

[ $# -ge 1 ] || { echo "usage: crash-cycle.sh DIR [vm/run.sh options]" >&2; exit 1; }
dir=$1
shift
cd "$(dirname "$0")/.." || exit 1
mkdir -p "$dir" || exit 1
disk=$dir/disk.img
rm -f "$disk"

# phase N [run.sh options]: boot on the disk, run copyup_crash_N
phase() {
	local n=$1 rc
	shift
	vm/run.sh "$@" --suite crash --tests "copyup_crash_$n" \
		--disk-image "$disk" --out "$dir/phase$n" > "$dir/phase$n.txt" 2>&1
	rc=$?
	sed 's/^/# /' "$dir/phase$n.txt"
	[ $rc -eq 0 ] || { echo "FAIL: phase $n exited $rc"; exit 1; }
}

phase 1 "$@"
grep -q 'guest killed on request' "$dir/phase1.txt" ||
	{ echo "FAIL: the guest was not killed in phase 1"; exit 1; }
phase 2 "$@"
grep -Eq '^ok [0-9]+ copyup_crash_2' "$dir/phase2.txt" ||
	{ echo "FAIL: phase 2 did not report copyup_crash_2 as passed"; exit 1; }
rm -f "$disk"
exit 0
