#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# docker save | gzip and | zstd archives are accepted, as docker load
# accepts them, and give the same layers as the plain tar; the temporary
# decompressed copy leaves nothing in the store.  A compressed archive
# over --max-bytes, or cut short, is a bad image (2) and changes nothing.
. tests/host/lib.sh

mkimage docker_tar "$T/img.tar"
lm -q unpack "$T/img.tar"
snapshot "$STORE/layers" | sed "s|$STORE||" >"$RUN/plain"
gzip -c "$T/img.tar" >"$T/img.tar.gz"
zstd -q -c "$T/img.tar" >"$T/img.tar.zst"
for z in gz zst; do
	rm -rf "$STORE"
	lm -q unpack "$T/img.tar.$z" || fail "unpack of a .$z archive"
	snapshot "$STORE/layers" | sed "s|$STORE||" >"$RUN/$z"
	diff -u "$RUN/plain" "$RUN/$z" || fail ".$z: other layers than the tar"
	no_litter
done

# over the cap, truncated: refused, nothing changed
snapshot "$STORE" >"$RUN/before"
run_lm unpack --max-bytes 8K "$T/img.tar.gz"
expect_rc 2
expect_err 'img\.tar\.gz: more uncompressed bytes than the size cap'
head -c 300 "$T/img.tar.zst" >"$T/cut.tar.zst"
run_lm unpack "$T/cut.tar.zst"
expect_rc 2
expect_err 'cut\.tar\.zst: zstd stream truncated'
snapshot "$STORE" >"$RUN/after"
diff -u "$RUN/before" "$RUN/after" || fail "the store changed"
no_litter
