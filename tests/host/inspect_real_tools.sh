#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# layermount inspect on images made by real tools (umoci, skopeo:
# fixtures/real-tools-images.sh): every figure equals what
# fixtures/inspect_ref.py computes with Python's tarfile, the totals of
# entries and file bytes equal GNU tar -tv's count over the same blobs
# (fixtures/tar-count.sh), and the docker-archive forms report the same
# layers as the OCI layout skopeo made from them.  umoci's whiteout of
# /data/old1 and /etc/hostname shows in the hidden list.
. tests/host/lib.sh

command -v umoci >/dev/null || fail "umoci not installed (make deps)"
command -v skopeo >/dev/null || fail "skopeo not installed (make deps)"
tests/host/fixtures/real-tools-images.sh "$T" >/dev/null

# totals of the layers: entries and file_bytes, from inspect's JSON
totals() {
	python3 -c 'import json, sys
l = json.load(open(sys.argv[1]))["layers"]
print(sum(x["entries"] for x in l), sum(x["file_bytes"] for x in l))' "$1"
}
for i in img zstd back docker.tar docker.dir; do
	"$LAYERMOUNT" inspect --json --files "$T/$i" >"$RUN/$i.json" ||
		fail "$i: inspect exited $?"
	python3 tests/host/fixtures/inspect_ref.py "$T/$i" --check "$RUN/$i.json" ||
		fail "$i: inspect differs from the tarfile reference"
	case $i in
	docker.*) want=$(totals "$RUN/back.json") ;;
	*) want=$(tests/host/fixtures/tar-count.sh "$T/$i") ;;
	esac
	got=$(totals "$RUN/$i.json")
	[ "$got" = "$want" ] || fail "$i: entries and file bytes $got, tar -tv: $want"
	note "$i: $got (entries, file bytes), as tar -tv and tarfile count"
done
python3 - "$RUN/img.json" <<'PY' || fail "umoci's whiteouts not in the hidden list"
import json, sys
h = {x["path"]: x for x in json.load(open(sys.argv[1]))["hidden"]}
assert h["data/old1"]["layer"] == 1 and h["data/old1"]["hidden_by"] == 2, h
assert h["etc/hostname"]["hidden_by"] == 3, h["etc/hostname"]
assert h["opq/lower"]["how"] == "opaque" and h["opq/lower"]["hidden_by"] == 4
PY
