#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Images made by real tools, offline (fixtures/real-tools-images.sh): umoci
# (new/insert, --whiteout, --opaque; a base layer copied from this system)
# and skopeo (oci: to docker-archive: and back, zstd layers, the extracted
# archive).  Each, mounted read-only with overlay, shows the tree `umoci
# unpack` makes.
. tests/host/lib.sh

command -v umoci >/dev/null || fail "umoci not installed (make deps)"
command -v skopeo >/dev/null || fail "skopeo not installed (make deps)"
can_mount_overlay

tests/host/fixtures/real-tools-images.sh "$T"
img=$T/img
umoci unpack --image "$img:test" "$T/bundle" >/dev/null
tree "$T/bundle/rootfs" >"$RUN/want"

mkdir "$T/m"
for i in "$img" "$T/docker.tar" "$T/docker.dir" "$T/zstd" "$T/back"; do
	lm -q --type overlay --read-only "$i" "$T/m"
	tree "$T/m" >"$RUN/got"
	lm umount "$T/m"
	diff -u "$RUN/want" "$RUN/got" >"$RUN/diff" || {
		head -n 40 "$RUN/diff"
		fail "$(basename "$i"): tree differs from umoci unpack"
	}
	note "$(basename "$i"): same tree as umoci unpack ($(wc -l <"$RUN/want") lines)"
done
[ "$(count "$STORE/layers")" -ge 4 ] || fail "layers missing"
