#!/bin/sh
# timeout: 300
# Device nodes of a layer are kept but reach nothing: mounts are nodev
# unless --dev.
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

sample_image "$T/img"
mkdir "$T/m"
for type in layerfs overlay; do
	must "$LM" -q --store "$T/store" --type "$type" --read-only "$T/img" "$T/m"
	assert_eq "$(stat -c '%t:%T' "$T/m/null")" 1:3 "$type: device kept"
	head -c 1 "$T/m/null" 2>/dev/null && fail "$type: device opened on nodev"
	must "$LM" --store "$T/store" umount "$T/m"
	must "$LM" -q --store "$T/store" --type "$type" --read-only --dev "$T/img" "$T/m"
	head -c 1 "$T/m/null" > /dev/null || fail "$type: --dev device unusable"
	must "$LM" --store "$T/store" umount "$T/m"
done
