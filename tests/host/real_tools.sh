#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Images made by real tools, offline: umoci (new/insert, --whiteout,
# --opaque; a base layer copied from this system) and skopeo (oci: to
# docker-archive: and back, zstd layers, the extracted archive).  Each,
# mounted read-only with overlay, shows the tree `umoci unpack` makes.
. tests/host/lib.sh

command -v umoci >/dev/null || fail "umoci not installed (make deps)"
command -v skopeo >/dev/null || fail "skopeo not installed (make deps)"
can_mount_overlay

base=$T/src/base
mkdir -p "$base/usr/share" "$base/data" "$base/opq/sub" "$base/dev"
cp -a /etc "$base/etc"
cp -a /usr/share/zoneinfo "$base/usr/share/" 2>/dev/null || true
echo 1 >"$base/data/old1"
echo 2 >"$base/data/old2"
echo x >"$base/opq/sub/x"
echo l >"$base/opq/lower"
ln -s ../etc/hostname "$base/data/link"
ln "$base/data/old2" "$base/data/hard"
mknod "$base/dev/null" c 1 3
mkfifo "$base/dev/fifo"
chown 5:6 "$base/data/old2"
chmod 4711 "$base/data/old1"
mkdir -p "$T/src/opq"
echo new >"$T/src/opq/new"

img=$T/img
umoci init --layout "$img"
umoci new --image "$img:test"
umoci insert --image "$img:test" "$base" /
umoci insert --image "$img:test" --whiteout /data/old1
umoci insert --image "$img:test" --whiteout /etc/hostname
umoci insert --image "$img:test" --opaque "$T/src/opq" /opq
umoci unpack --image "$img:test" "$T/bundle" >/dev/null
tree "$T/bundle/rootfs" >"$RUN/want"

sk() { skopeo --insecure-policy copy -q "$@"; }
sk "oci:$img:test" "docker-archive:$T/docker.tar:test:latest"
sk --dest-compress-format zstd "oci:$img:test" "oci:$T/zstd:test"
sk "docker-archive:$T/docker.tar" "oci:$T/back:test"
mkdir "$T/docker.dir"
tar -xf "$T/docker.tar" -C "$T/docker.dir"

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
