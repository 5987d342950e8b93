#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Crash safety (issue 7): on each kernel of KVERS, a guest is killed in the
# middle of copying up a large file (tests/crash/copyup_crash_1.sh), then
# a second guest remounts the same upper on the same disk and checks it
# (copyup_crash_2.sh).
set -uo pipefail

for kver in ${KVERS:-6.1 6.12}; do
	disk=$T/disk-$kver.img
	rm -f "$disk"
	vm/run.sh --kver "$kver" --suite crash --tests copyup_crash_1 \
		--disk-image "$disk" --out "$T/phase1-$kver" > "$T/p1.out" 2>&1
	rc=$?
	sed 's/^/# /' "$T/p1.out"
	[ $rc -eq 0 ] || { echo "FAIL: $kver: phase 1 exited $rc"; exit 1; }
	grep -q 'guest killed on request' "$T/p1.out" ||
		{ echo "FAIL: $kver: the guest was not killed in phase 1"; exit 1; }
	vm/run.sh --kver "$kver" --suite crash --tests copyup_crash_2 \
		--disk-image "$disk" --out "$T/phase2-$kver" > "$T/p2.out" 2>&1
	rc=$?
	sed 's/^/# /' "$T/p2.out"
	[ $rc -eq 0 ] || { echo "FAIL: $kver: phase 2 exited $rc"; exit 1; }
done
