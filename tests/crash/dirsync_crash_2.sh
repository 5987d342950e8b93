#!/bin/sh
# Durable directory fsync, phase 2: after the crash of phase 1, every
# rename made before a directory fsync is on disk, and the union shows it.
. /tests/lib.sh

D=$T/disk
disk_mount "$D"
[ -d "$D/upper" ] || fail "phase 1 left no upper on the disk"
lost=
for dir in . d n; do
	if [ -e "$D/upper/$dir/tmp" ]; then lost="$lost $dir"; fi
done
[ -z "$lost" ] || fail "the renames in these directories were lost:$lost"
for dir in . d n; do
	assert_eq "$(cat "$D/upper/$dir/final" 2>&1)" "new $dir" "upper $dir/final"
done
must mount -t layerfs layerfs "$D/m" \
	-o "lowerdir=$D/lower,upperdir=$D/upper,workdir=$D/work"
for dir in . d n; do
	assert_eq "$(cat "$D/m/$dir/final" 2>&1)" "new $dir" "union $dir/final"
done
assert_eq "$(cat "$D/m/d/old")" old "lower file beside the new one"
must umount "$D/m"
must umount "$D"
