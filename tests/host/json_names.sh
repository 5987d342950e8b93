#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Names that are not UTF-8 (a stray byte, a surrogate, an overlong form)
# keep diff --json and inspect --json valid JSON: "path" shows each bad
# byte as \xHH and "path_base64" holds the exact bytes; a UTF-8 name (a
# newline included) is its own "path", without "path_base64".  The same
# for diff's mount point.  inspect reads a commit of the same upper.
. tests/host/lib.sh

can_mount_overlay
m=$T/$'m\xff'
trap 'umount "$m" 2>/dev/null || true' EXIT
mkimage basic "$T/img"
mkdir "$m"
lm -q --type overlay --ref basic "$T/img" "$m"
mkdir "$m/d"
for n in $'caf\xc3\xa9' $'not\xffutf8' $'sur\xed\xa0\x80' $'over\xc0\xaflong' \
	$'nl\nname' 'x\x41'; do
	: >"$m/d/$n"
done
lm diff --json "$m" >"$RUN/diff.json"
lm -q commit --output "$T/out" "$m"
lm umount "$m"
"$LAYERMOUNT" inspect --json --files=4 "$T/out" >"$RUN/inspect.json"

python3 - "$RUN/diff.json" "$RUN/inspect.json" "$m" <<'PY'
import base64, json, os, sys
want = {b"caf\xc3\xa9": None, b"not\xffutf8": "not\\xffutf8",
        b"sur\xed\xa0\x80": "sur\\xed\\xa0\\x80",
        b"over\xc0\xaflong": "over\\xc0\\xaflong", b"nl\nname": None,
        b"x\\x41": None}
def exact(o, key):
    if key + "_base64" in o:
        return base64.b64decode(o[key + "_base64"], validate=True)
    return o[key].encode()
def check(what, objs, prefix):
    got = {}
    for o in objs:
        p = exact(o, "path")
        if p.startswith(prefix):
            got[p[len(prefix):]] = o
    assert set(got) == set(want), (what, sorted(got))
    for name, show in want.items():
        o = got[name]
        if show is None:
            assert "path_base64" not in o and o["path"].encode() == prefix + name, (what, o)
        else:
            assert o["path"] == prefix.decode() + show, (what, o)
# strict: bytes that are not UTF-8 fail the decoding, as any JSON reader
diff = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
check("diff", diff["changes"], b"/d/")
assert exact(diff, "mount") == os.fsencode(sys.argv[3]), diff["mount"]
assert diff["mount"].endswith("m\\xff"), diff["mount"]
insp = json.loads(open(sys.argv[2], "rb").read().decode("utf-8"))
check("inspect", insp["layers"][3]["files"], b"d/")
PY
note "diff --json and inspect --json: 6 names, 3 not UTF-8"
