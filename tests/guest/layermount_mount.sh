#!/bin/sh
# timeout: 300
# layermount mounts a three-layer image with --type layerfs and overlay,
# read-only: a deletion, an opaque directory, the image root metadata, the
# same tree through both; umount leaves the store intact.
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

sample_setup
for type in layerfs overlay; do
	mount_ro "$type" "$T/img"
	assert_eq "$(cat "$T/m/top")" top "$type: top layer"
	assert_eq "$(cat "$T/m/etc/os-release")" ID=test "$type: bottom layer"
	[ -e "$T/m/gone" ] && fail "$type: whiteout did not hide gone"
	assert_eq "$(ls "$T/m/data")" new "$type: opaque data/"
	assert_eq "$(stat -c %a "$T/m")" 750 "$type: root mode"
	grep " $T/m " /proc/mounts | grep nodev > /dev/null || fail "$type: not nodev"
	tree "$T/m" > "$T/tree.$type"
	umount_m
done
cmp "$T/tree.layerfs" "$T/tree.overlay" || {
	diff "$T/tree.layerfs" "$T/tree.overlay"
	fail "layerfs and overlay show different trees"
}
assert_eq "$(count "$T/store/layers")" 3 "layers in the store"
assert_eq "$(count "$T/store/mounts")" 0 "mount state left"
