#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# No unpack ever waits on another.  A FIFO as the image or as a blob is
# refused (2) without blocking on it.  An unpack stopped in the middle of
# an image (SIGSTOP) that claims a layer of another image does not hold up
# that image's unpack, which unpacks the layer itself; resumed, the stopped
# one finds the layer published and throws its copy away.  (A run that
# blocks is stopped by the 60 s guard and fails on its exit status 124;
# how fast it runs is not asserted: that is for make bench.)  An unpack
# killed in the middle (kill -9) leaves nothing that a later unpack of
# another image does not clean: no tmp/ entries, no locks/.
. tests/host/lib.sh

# guarded CMD...: run CMD (60 s at most), its exit status in $rc
guarded() {
	set +e
	timeout 60 "$@" >"$RUN/out" 2>"$RUN/err"
	rc=$?
	set -e
}

mkimage basic "$T/basic"
mkfifo "$T/fifo.tar"
guarded "$LAYERMOUNT" --store "$STORE" unpack "$T/fifo.tar"
expect_rc 2
expect_err "fifo.tar: not a directory or a tar file"

# a copy of basic whose bottom blob is a FIFO: claims a real diff_id
cp -a "$T/basic" "$T/fifoblob"
blob=$(python3 - "$T/basic" <<'PY'
import json, os, sys
img = sys.argv[1]
b = lambda d: os.path.join(img, "blobs/sha256", d[7:])
idx = json.load(open(os.path.join(img, "index.json")))
print(json.load(open(b(idx["manifests"][0]["digest"])))["layers"][0]["digest"][7:])
PY
)
rm "$T/fifoblob/blobs/sha256/$blob"
mkfifo "$T/fifoblob/blobs/sha256/$blob"
guarded "$LAYERMOUNT" --store "$STORE" unpack "$T/fifoblob"
expect_rc 2
expect_err "blobs/sha256/$blob: not a regular file"
no_litter

# stall: basic's bottom layer, then a large one; stopped on the large one
mkimage stall "$T/stall"
"$LAYERMOUNT" -q --store "$STORE" unpack "$T/stall" 2>"$RUN/stall.err" &
pid=$!
trap 'kill -CONT $pid 2>/dev/null; kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 500); do
	[ "$(find "$STORE/tmp" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" -ge 2 ] && break
	sleep 0.01
done
kill -STOP $pid
[ "$(count "$STORE/tmp")" -ge 2 ] || fail "the stalling unpack did not start its second layer"
guarded "$LAYERMOUNT" --store "$STORE" unpack "$T/basic"
expect_rc 0
grep -q "$(diff_ids "$T/basic" | head -n 1): unpacked" "$RUN/out" ||
	fail "basic did not unpack its own bottom layer"
kill -CONT $pid
wait $pid || { cat "$RUN/stall.err"; fail "the resumed unpack failed"; }
trap - EXIT
[ "$(count "$STORE/layers")" -eq 4 ] || fail "not 4 layers"
no_litter

# kill -9 in the middle, then an unpack of another image cleans up
rm -rf "$STORE"
"$LAYERMOUNT" -q --store "$STORE" unpack "$T/stall" 2>/dev/null &
pid=$!
for _ in $(seq 500); do
	[ "$(find "$STORE/tmp" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" -ge 2 ] && break
	sleep 0.01
done
kill -9 $pid
wait $pid 2>/dev/null || true
[ -n "$(ls "$STORE/tmp")" ] || fail "the killed unpack left nothing to clean (test broken)"
mkimage share_b "$T/other"
rm -rf "$T/basic"
lm -q unpack "$T/other"
no_litter
lm -q unpack "$T/stall"
no_litter
