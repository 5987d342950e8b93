#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A layer shared by two images is unpacked once: the second image unpacks
# only its new layer and reads no blob of the shared ones (they are deleted
# from it here); an image whose layers are all present reads no blob at all.
. tests/host/lib.sh

mkimage share_a "$T/a"
mkimage share_b "$T/b"
lm unpack "$T/a" >"$RUN/out"
[ "$(grep -c ': unpacked' "$RUN/out")" -eq 2 ] || fail "a: not 2 unpacked"

# Remove b's blobs of the layers it shares with a.
python3 - "$T/b" <<'PY'
import json, os, sys
img = sys.argv[1]
blob = lambda d: os.path.join(img, "blobs/sha256", d[7:])
idx = json.load(open(os.path.join(img, "index.json")))
man = json.load(open(blob(idx["manifests"][0]["digest"])))
for l in man["layers"][:2]:
    os.unlink(blob(l["digest"]))
PY
lm unpack "$T/b" >"$RUN/out"
[ "$(grep -c ': present' "$RUN/out")" -eq 2 ] || fail "b: shared not present"
[ "$(grep -c ': unpacked' "$RUN/out")" -eq 2 ] || fail "b: not 2 unpacked"
[ "$(count "$STORE/layers")" -eq 4 ] || fail "not 4 layers in the store"

# Every layer blob gone: still fine, nothing is read.
python3 - "$T/b" <<'PY'
import json, os, sys
img = sys.argv[1]
blob = lambda d: os.path.join(img, "blobs/sha256", d[7:])
idx = json.load(open(os.path.join(img, "index.json")))
man = json.load(open(blob(idx["manifests"][0]["digest"])))
for l in man["layers"]:
    if os.path.exists(blob(l["digest"])):
        os.unlink(blob(l["digest"]))
PY
lm unpack "$T/b" >"$RUN/out"
[ "$(grep -c ': present' "$RUN/out")" -eq 4 ] || fail "b again: not all present"
