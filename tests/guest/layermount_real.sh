#!/bin/sh
# timeout: 300
# Images made by umoci and skopeo (tests/fixtures/layermount/make.sh: OCI,
# zstd, docker-archive tar, and back to OCI) mount with layerfs and
# overlay and show exactly the tree `umoci unpack` made.
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

F=/tests/fixtures/layermount
[ -f $F/want.tree ] || fail "no fixtures in $F (vm/mkinitramfs.sh copies them)"
mkdir "$T/m"
for img in umoci zstd docker.tar back; do
	for type in layerfs overlay; do
		must "$LM" -q --store "$T/store" --type "$type" --read-only "$F/$img" "$T/m"
		tree "$T/m" > "$T/got"
		must "$LM" --store "$T/store" umount "$T/m"
		cmp -s $F/want.tree "$T/got" || {
			diff $F/want.tree "$T/got"
			fail "$img with $type: not the tree of umoci unpack"
		}
	done
done
