#!/bin/sh
# timeout: 600
# An image on a Debian minbase tree made with debootstrap and layered with
# umoci (vm/minbase-image.sh: a directory deletion, an opaque directory, a
# file deletion, an addition) mounts with layerfs and overlay and shows
# exactly the tree `umoci unpack` made: names, types, modes, owners,
# sizes, link targets, device numbers, content hashes.
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

D=/tests/data
[ -f $D/want.tree ] || fail "no image in $D (run through tests/host/minbase_image.sh)"
mkdir "$T/m"
for type in layerfs overlay; do
	must "$LM" -q --store "$T/store" --type "$type" --read-only "$D/image" "$T/m"
	tree_fast "$T/m" > "$T/got"
	[ -x "$T/m/bin/sh" ] || fail "$type: no /bin/sh in the mounted minbase"
	must "$LM" --store "$T/store" umount "$T/m"
	cmp -s $D/want.tree "$T/got" || {
		diff $D/want.tree "$T/got" | head -n 40 || true
		fail "$type: not the tree of umoci unpack"
	}
	log "$type: $(wc -l < "$T/got") lines, same as umoci unpack"
done
