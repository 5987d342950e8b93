#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Crash safety: on each kernel of KVERS, every case of
# tests/crash. copyup_crash: a guest is killed in the middle of copying
# up a large file, then a second guest remounts the same upper on the same
# disk and checks it. dirsync_crash: a guest is killed right after
# write-tmp / fsync / rename / fsync-dir, and the renames must survive.
# The cycle itself: vm/crash-cycle.sh.
# guests: each kernel
set -uo pipefail

for kver in ${KVERS:-6.1 6.12}; do
	vm/crash-cycle.sh "$T/$kver" --kver "$kver" ||
		{ echo "FAIL: $kver: crash cycle failed"; exit 1; }
done
