#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# layermount commit read by other tools: the changes to an overlay mount of
# a mkimage image (a whiteout, an opaque directory made anew, a hard link,
# a FIFO, a long name), committed with gzip to a new layout, unpack with
# umoci to the tree of the mount; skopeo copies the commit to a
# docker-archive and back to OCI with the same diff_ids, and both copies
# mount as that tree again; so do a commit --format docker (a docker save
# archive) and skopeo's copy of it to OCI.
. tests/host/lib.sh

command -v umoci >/dev/null || fail "umoci not installed (make deps)"
command -v skopeo >/dev/null || fail "skopeo not installed (make deps)"
can_mount_overlay

mkimage_gzip basic "$T/img"
mkdir "$T/m"
lm -q --type overlay --ref basic "$T/img" "$T/m"
long=$(printf 'n%.0s' {1..140})
echo more >>"$T/m/etc/os-release"
rm "$T/m/bin/sh" "$T/m/top"
rm -r "$T/m/data"
mkdir "$T/m/data"
echo again >"$T/m/data/again"
echo new >"$T/m/new"
ln "$T/m/new" "$T/m/new.link"
mkfifo "$T/m/pipe"
mkdir -p "$T/m/deep/$long"
echo long >"$T/m/deep/$long/$long"
chown 1000:1000 "$T/m/new"
tree "$T/m" >"$RUN/want"
lm diff "$T/m" >"$RUN/diff"
grep -qx "D /data/new" "$RUN/diff" || fail "diff: no D /data/new"
lm -q commit --output "$T/out" --ref t "$T/m" >"$RUN/digest"
lm -q commit --format docker --output "$T/saved.tar" --ref saved:1 "$T/m" \
	>"$RUN/digest2"
lm umount "$T/m"

# the new layer: whiteouts and opaque markers in the OCI order, nothing of
# overlayfs's own (the host's overlay sets trusted.overlay.origin on
# copy-ups), owners numeric, mtimes whole seconds
oci "$T/out" entries >"$RUN/entries"
cut -f1 "$RUN/entries" >"$RUN/layer"
! cut -f5 "$RUN/entries" | grep -vx : || fail "user or group names in the layer"
! cut -f7 "$RUN/entries" | grep -E 'atime|ctime|overlay' ||
	fail "atime, ctime or overlay records in the layer"
printf '%s\n' .wh.top bin bin/.wh.sh data data/.wh..wh..opq data/again \
	deep "deep/$long" "deep/$long/$long" etc etc/os-release new new.link \
	pipe >"$RUN/order"
diff -u "$RUN/order" "$RUN/layer" || fail "the new layer's entries or order"

# readers and copies: umoci's rootfs, skopeo's docker-archive and OCI
umoci unpack --image "$T/out:t" "$T/bundle" >/dev/null
tree "$T/bundle/rootfs" >"$RUN/umoci"
diff -u "$RUN/want" "$RUN/umoci" || fail "umoci unpack: not the tree of the mount"
skopeo copy -q "oci:$T/out:t" "docker-archive:$T/docker.tar:t:latest"
skopeo copy -q "docker-archive:$T/docker.tar" "oci:$T/back:t"
skopeo copy -q "docker-archive:$T/saved.tar" "oci:$T/saved:t"
for i in "$T/docker.tar docker.io/library/t:latest" "$T/back t" \
	"$T/saved.tar saved:1" "$T/saved t"; do
	# shellcheck disable=SC2086 # the image and its ref
	set -- $i
	lm -q --type overlay --read-only --ref "$2" "$1" "$T/m"
	tree "$T/m" >"$RUN/got"
	lm umount "$T/m"
	diff -u "$RUN/want" "$RUN/got" || fail "$(basename "$1"): another tree"
done
[ "$(diff_ids "$T/back")" = "$(diff_ids "$T/out")" ] || fail "skopeo: diff_ids changed"
note "umoci unpack and skopeo round trip: $(wc -l <"$RUN/want") lines, $(wc -l <"$RUN/diff") changes"
