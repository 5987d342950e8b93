#!/bin/sh
# timeout: 300
# Device nodes of a layer are kept but reach nothing: mounts are nodev
# unless --dev.
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

sample_setup
for type in layerfs overlay; do
	mount_ro "$type" "$T/img"
	assert_eq "$(stat -c '%t:%T' "$T/m/null")" 1:3 "$type: device kept"
	head -c 1 "$T/m/null" 2>/dev/null && fail "$type: device opened on nodev"
	umount_m
	mount_ro "$type" "$T/img" --dev
	head -c 1 "$T/m/null" > /dev/null || fail "$type: --dev device unusable"
	umount_m
done
