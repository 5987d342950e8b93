#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# layermount inspect on the fixture images: per-layer counts and sizes,
# the --files lines, totals, wasted bytes and the hidden list all equal
# what fixtures/inspect_ref.py computes apart (Python's tarfile over the
# same blobs); the JSON carries its schema and version; --files=N lists
# one layer; the text report shows the same totals; nothing is written
# (no store appears, the image is unchanged).
. tests/host/lib.sh

ref=tests/host/fixtures/inspect_ref.py
export LAYERMOUNT_STORE=$T/no-store
for sc in basic whiteouts replace abs_paths docker_dir docker_tar \
	  docker_oci_tar gzip_multimember no_padding after_end \
	  wrong_mediatype dir_twice zeros inspect_secrets inspect_mix; do
	mkimage "$sc" "$T/$sc"
	snapshot "$T/$sc" >"$RUN/before"
	"$LAYERMOUNT" inspect --json --files "$T/$sc" >"$RUN/$sc.json" ||
		fail "$sc: inspect exited $?"
	python3 "$ref" "$T/$sc" --check "$RUN/$sc.json" ||
		fail "$sc: inspect differs from the reference"
	snapshot "$T/$sc" >"$RUN/after"
	diff -u "$RUN/before" "$RUN/after" || fail "$sc: the image changed"
	note "$sc: $(python3 -c 'import json, sys
t = json.load(open(sys.argv[1]))["totals"]
print("file %(file_bytes)d visible %(visible_bytes)d wasted %(wasted_bytes)d" % t)' "$RUN/$sc.json")"
done
[ ! -e "$T/no-store" ] || fail "inspect made a store"

# --files=2: the files of layer 2 only; no --files: none at all
img=$T/inspect_mix
"$LAYERMOUNT" inspect --json --files=2 "$img" >"$RUN/f2.json"
"$LAYERMOUNT" inspect --json "$img" >"$RUN/nofiles.json"
python3 - "$RUN/f2.json" "$RUN/nofiles.json" "$RUN/inspect_mix.json" <<'PY' ||
import json, sys
f2, none, full = (json.load(open(p)) for p in sys.argv[1:])
assert [("files" in l) for l in f2["layers"]] == [False, True, False], f2
assert f2["layers"][1]["files"] == full["layers"][1]["files"]
assert not any("files" in l for l in none["layers"])
for doc in (f2, none):
    assert doc["schema"] == "layermount-inspect" and doc["version"] == 1
    assert set(doc) == {"schema", "version", "image", "layers", "totals",
                        "hidden"}, sorted(doc)
    assert set(doc["totals"]) == {"compressed_size", "uncompressed_size",
                                  "file_bytes", "visible_bytes",
                                  "wasted_bytes", "efficiency"}
    for l in doc["layers"]:
        assert {"index", "diff_id", "blob", "created_by", "entries"} <= set(l)
    for h in doc["hidden"]:
        assert set(h) == {"path", "layer", "hidden_by", "how", "size",
                          "secret"}, h
PY
	fail "--files=N or the JSON schema"

# the text report: the same totals, the layer table, one line per change
"$LAYERMOUNT" inspect --files "$img" >"$RUN/text"
for k in file_bytes visible_bytes wasted_bytes; do
	v=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["totals"][sys.argv[2]])' "$RUN/nofiles.json" "$k")
	case $k in
	file_bytes) label="file data in layers" ;;
	visible_bytes) label="visible in the final tree" ;;
	wasted_bytes) label="wasted" ;;
	esac
	grep -Eq "^  $label +$v  \(" "$RUN/text" || {
		cat "$RUN/text"
		fail "text: $label is not $v"
	}
done
changes=$(python3 -c 'import json, sys
print(sum(len(l["files"]) for l in json.load(open(sys.argv[1]))["layers"]))' "$RUN/inspect_mix.json")
[ "$(grep -Ec '^  [AMDO] [fdlcbphw] ' "$RUN/text")" -eq "$changes" ] ||
	fail "text: not $changes change lines"
[ "$("$LAYERMOUNT" inspect "$img" | grep -Ec '^ +[0-9]+  [0-9a-f]{12} ')" -eq 3 ] ||
	fail "text: not 3 layer lines"
