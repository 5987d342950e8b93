#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A 500-layer image unpacks and mounts with overlay: the lower paths are too
# long for one page as layer names, so short symlinks are used.
. tests/host/lib.sh

mkdir "$T/mnt"
can_mount_overlay

mkimage many_layers "$T/img" 500
start=$(date +%s.%N)
lm -q unpack "$T/img"
mid=$(date +%s.%N)
lm -q --type overlay --read-only "$T/img" "$T/mnt"
end=$(date +%s.%N)
note "500 layers: unpack $(echo "$mid - $start" | bc) s, mount $(echo "$end - $mid" | bc) s"
[ "$(count "$T/mnt" '^l[0-9]')" -eq 500 ] || fail "not 500 layer files"
[ "$(cat "$T/mnt/shared/f")" = 499 ] || fail "top layer does not win"
lm umount "$T/mnt"
