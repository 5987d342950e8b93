#!/bin/sh
# timeout: 300
# Ephemeral upper (under the store, removed by umount) and persistent
# --upper (kept across remounts), with overlay (layermount_upper_layerfs:
# the same with layerfs); layers stay unchanged.
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

sample_image "$T/img"
mkdir "$T/m"
type=${TYPE:-overlay}
must "$LM" -q --store "$T/store" --type "$type" "$T/img" "$T/m"
echo changed > "$T/m/etc/os-release" || fail "$type: copy-up write"
assert_eq "$(cat "$T/m/etc/os-release")" changed "$type: copy-up"
rm "$T/m/top" || fail "$type: unlink"
[ -e "$T/m/top" ] && fail "$type: unlinked file still visible"
must "$LM" --store "$T/store" umount "$T/m"
assert_eq "$(find "$T/store/mounts" -mindepth 1 | wc -l)" 0 "$type: ephemeral upper left"

must "$LM" -q --store "$T/store" --type "$type" --upper "$T/keep.$type" "$T/img" "$T/m"
echo kept > "$T/m/newfile" || fail "$type: create"
must "$LM" --store "$T/store" umount "$T/m"
must "$LM" -q --store "$T/store" --type "$type" --upper "$T/keep.$type" "$T/img" "$T/m"
assert_eq "$(cat "$T/m/newfile")" kept "$type: persistent upper"
assert_eq "$(cat "$T/m/top")" top "$type: fresh view of top"
must "$LM" --store "$T/store" umount "$T/m"
# the layers did not change: exactly one holds etc/os-release, unchanged
found=0
for l in "$T"/store/layers/*; do
	if [ -f "$l/etc/os-release" ]; then
		assert_eq "$(cat "$l/etc/os-release")" ID=test "layer changed"
		found=$((found + 1))
	fi
done
assert_eq "$found" 1 "layers holding etc/os-release"
