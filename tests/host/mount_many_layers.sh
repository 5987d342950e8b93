# SPDX-License-Identifier: GPL-2.0
# A 500-layer image unpacks and mounts with overlay: the lower paths are too
# long for one page as layer names, so short symlinks are used.
. tests/host/lib.sh

mkdir "$T/probe" "$T/mnt"
mount -t overlay overlay -o "lowerdir=$T/probe:$T/mnt" "$T/mnt" 2>/dev/null ||
	skip "cannot mount overlay here"
umount "$T/mnt"

mkimage many_layers "$T/img" 500
start=$(date +%s.%N)
lm -q unpack "$T/img"
mid=$(date +%s.%N)
lm -q --type overlay --read-only "$T/img" "$T/mnt"
end=$(date +%s.%N)
note "500 layers: unpack $(echo "$mid - $start" | bc) s, mount $(echo "$end - $mid" | bc) s"
[ "$(ls "$T/mnt" | grep -c '^l[0-9]')" -eq 500 ] || fail "not 500 layer files"
[ "$(cat "$T/mnt/shared/f")" = 499 ] || fail "top layer does not win"
lm umount "$T/mnt"
