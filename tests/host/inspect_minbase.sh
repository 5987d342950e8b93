#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# layermount inspect on the Debian minbase image of make check
# (vm/minbase-image.sh: debootstrap + umoci, 5 layers, cached in
# $LFS_IMAGE_CACHE, one build at a time): every figure
# equals what fixtures/inspect_ref.py computes with Python's tarfile, and
# the totals of entries and file bytes equal GNU tar -tv's count over the
# same blobs (fixtures/tar-count.sh).  Layer 2's whiteout of
# /usr/share/doc hides its files, which the hidden list shows.
. tests/host/lib.sh

command -v debootstrap >/dev/null || fail "debootstrap not installed (make deps)"
command -v umoci >/dev/null || fail "umoci not installed (make deps)"
cache=$(vm/minbase-image.sh) || fail "cannot build the minbase image"
img=$cache/image

"$LAYERMOUNT" inspect --json --files "$img" >"$RUN/got.json" ||
	fail "inspect exited $?"
python3 tests/host/fixtures/inspect_ref.py "$img" --check "$RUN/got.json" ||
	fail "inspect differs from the tarfile reference"
got=$(python3 -c 'import json, sys
l = json.load(open(sys.argv[1]))["layers"]
print(sum(x["entries"] for x in l), sum(x["file_bytes"] for x in l))' "$RUN/got.json")
want=$(tests/host/fixtures/tar-count.sh "$img")
[ "$got" = "$want" ] || fail "entries and file bytes $got, tar -tv: $want"
python3 - "$RUN/got.json" <<'PY' || fail "/usr/share/doc not in the hidden list"
import json, sys
doc = json.load(open(sys.argv[1]))
docs = [h for h in doc["hidden"] if h["path"].startswith("usr/share/doc/")]
assert docs and all(h["layer"] == 1 and h["hidden_by"] == 2 and
                    h["how"] == "whiteout" for h in docs), docs[:3]
t = doc["totals"]
print("# %d files deleted but shipped, wasted %d of %d bytes" %
      (len(doc["hidden"]), t["wasted_bytes"], t["file_bytes"]))
PY
note "minbase: $got (entries, file bytes), as tar -tv and tarfile count"
