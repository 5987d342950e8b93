#!/bin/sh
# timeout: 300
# Ephemeral upper (under the store, removed by umount) and persistent
# --upper (kept across remounts), with overlay (layermount_upper_layerfs:
# the same with layerfs); layers stay unchanged.
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

sample_image "$T/img"
mkdir "$T/m"
for type in ${TYPE:-overlay}; do
	if [ "$type" = layerfs ] &&
	   ! $LM -q --store "$T/store" --type layerfs "$T/img" "$T/m" 2> "$T/err"; then
		grep -q "Operation not supported" "$T/err" &&
			skip "layerfs: no upper directory support yet (EOPNOTSUPP)"
		cat "$T/err"
		fail "layerfs mount with an upper"
	fi
	[ "$type" = layerfs ] && must $LM --store "$T/store" umount "$T/m"
	must $LM -q --store "$T/store" --type $type "$T/img" "$T/m"
	echo changed > "$T/m/etc/os-release" || fail "$type: copy-up write"
	assert_eq "$(cat "$T/m/etc/os-release")" changed "$type: copy-up"
	rm "$T/m/top" || fail "$type: unlink"
	[ -e "$T/m/top" ] && fail "$type: unlinked file still visible"
	must $LM --store "$T/store" umount "$T/m"
	assert_eq "$(ls "$T/store/mounts" | wc -l)" 0 "$type: ephemeral upper left"

	must $LM -q --store "$T/store" --type $type --upper "$T/keep.$type" "$T/img" "$T/m"
	echo kept > "$T/m/newfile" || fail "$type: create"
	must $LM --store "$T/store" umount "$T/m"
	must $LM -q --store "$T/store" --type $type --upper "$T/keep.$type" "$T/img" "$T/m"
	assert_eq "$(cat "$T/m/newfile")" kept "$type: persistent upper"
	assert_eq "$(cat "$T/m/top")" top "$type: fresh view of top"
	must $LM --store "$T/store" umount "$T/m"
done
for l in "$T"/store/layers/*; do
	[ -f "$l/etc/os-release" ] && assert_eq "$(cat "$l/etc/os-release")" ID=test "layer changed"
done
true
