#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Crash safety (issue 7): on each kernel of KVERS, a guest is killed in the
# middle of copying up a large file (tests/crash/copyup_crash_1.sh), then
# a second guest remounts the same upper on the same disk and checks it
# (copyup_crash_2.sh). The cycle itself: vm/crash-cycle.sh.
set -uo pipefail

for kver in ${KVERS:-6.1 6.12}; do
	vm/crash-cycle.sh "$T/$kver" --kver "$kver" ||
		{ echo "FAIL: $kver: crash cycle failed"; exit 1; }
done
