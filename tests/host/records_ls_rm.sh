#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Image records: unpack records the image (digests, refs, platform,
# layers and their sizes), refs of one manifest add up, a classic docker
# save is recorded by its config; ls and ls --json show them; rm forgets a
# ref, then the image, or the image by digest; gc then takes exactly the
# layers no record names.
. tests/host/lib.sh

mkimage two_refs "$T/two"
mkimage share_b "$T/b"
mkimage docker_tar "$T/d.tar"
lm -q unpack --ref app:1 "$T/two"
lm -q unpack --ref app:latest "$T/two"
lm -q unpack "$T/b"
lm -q unpack "$T/d.tar"
lm ls --json >"$RUN/ls.json"
python3 - "$RUN/ls.json" "$T/two" "$T/b" <<'PY' || fail "ls --json"
import hashlib, json, os, sys
ls = json.load(open(sys.argv[1]))
def blob(img, d):
    return json.load(open(os.path.join(img, "blobs/sha256", d[7:])))
def expect(img, refs):
    desc = json.load(open(os.path.join(img, "index.json")))["manifests"][0]
    man = blob(img, desc["digest"])
    cfg = blob(img, man["config"]["digest"])
    rec = [i for i in ls["images"] if i["id"] == desc["digest"]]
    assert len(rec) == 1, (img, ls)
    r = rec[0]
    assert r["manifest"] == desc["digest"] and r["config"] == man["config"]["digest"], r
    assert r["refs"] == refs, r["refs"]
    assert r["platform"] == "linux/amd64", r
    assert [l["diff_id"] for l in r["layers"]] == cfg["rootfs"]["diff_ids"], r
    assert [l["size"] for l in r["layers"]] == [l["size"] for l in man["layers"]], r
    assert r["size"] == sum(l["size"] for l in man["layers"]), r
expect(sys.argv[2], ["app:1", "app:latest"])
expect(sys.argv[3], [])
d = [i for i in ls["images"] if i["manifest"] is None]
assert len(d) == 1 and d[0]["refs"] == ["test:latest"], d
assert d[0]["id"] == d[0]["config"] and all(l["size"] > 0 for l in d[0]["layers"]), d
assert len(ls["images"]) == 3 and ls["mounts"] == [], ls
PY
lm ls >"$RUN/ls.txt"
grep -Eq '^[0-9a-f]{12} +app:1 +linux/amd64 +1 ' "$RUN/ls.txt" || fail "ls: $(cat "$RUN/ls.txt")"
grep -Eq '^[0-9a-f]{12} +<none> +linux/amd64 +4 ' "$RUN/ls.txt" || fail "ls: $(cat "$RUN/ls.txt")"
layers=$(count "$STORE/layers")

# rm by ref: that ref goes, the image with its last one
lm rm app:1
[ "$(count "$STORE/images")" -eq 3 ] || fail "rm app:1 removed the image"
grep -q '"app:1"' "$STORE"/images/* && fail "rm app:1 kept the ref"
lm rm app:latest
[ "$(count "$STORE/images")" -eq 2 ] || fail "rm app:latest kept the image"
[ "$(count "$STORE/layers")" -eq "$layers" ] || fail "rm removed layers"
run_lm rm app:1
expect_rc 3
expect_err "^layermount: app:1: no such image in the store"
lm -q gc
[ "$(count "$STORE/layers")" -eq $((layers - 1)) ] || fail "gc: not the one layer of app"
# rm by digest, with or without sha256:
lm rm "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"][7:])' "$T/b/index.json")"
lm rm test:latest
[ "$(count "$STORE/images")" -eq 0 ] || fail "records left"
lm -q gc
[ "$(count "$STORE/layers")" -eq 0 ] || fail "gc left layers"
[ "$(count "$STORE/rootmeta")" -eq 0 ] || fail "gc left rootmeta entries"
no_litter
