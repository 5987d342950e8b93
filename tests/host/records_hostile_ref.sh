#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An image's ref name never becomes a path, and never forges output: a ref
# "../../../escape\n\e[31mFAKE\tROW/.." is a value in the image record
# (named by the manifest digest), shown with '?' for control characters by
# ls, exact in ls --json, and rm takes it.
. tests/host/lib.sh

mkimage hostile_ref "$T/img"
lm -q unpack "$T/img"
find "$T" -name escape | grep -q . && fail "a file named by the ref"
find "$STORE/images" -mindepth 1 >"$RUN/images"
[ "$(wc -l <"$RUN/images")" -eq 1 ] || fail "images/: $(cat "$RUN/images")"
grep -Eq '/images/[0-9a-f]{64}$' "$RUN/images" || fail "record name: $(cat "$RUN/images")"
lm ls >"$RUN/ls.txt"
grep -q "$(printf '\033')" "$RUN/ls.txt" && fail "ls prints the escape character"
grep -q "FAKE" "$RUN/ls.txt" || fail "ls does not show the ref"
[ "$(grep -c . "$RUN/ls.txt")" -eq 3 ] || fail "ls: lines forged: $(cat -A "$RUN/ls.txt")"
grep -qF '../../../escape??[31mFAKE?ROW/..' "$RUN/ls.txt" || fail "ls: $(cat -A "$RUN/ls.txt")"
lm ls --json >"$RUN/ls.json"
python3 - "$RUN/ls.json" <<'PY' || fail "ls --json: $(cat "$RUN/ls.json")"
import json, sys
r = json.load(open(sys.argv[1]))["images"][0]["refs"]
assert r == ["../../../escape\n\x1b[31mFAKE\tROW/.."], r
PY
lm rm "$(printf '../../../escape\n\033[31mFAKE\tROW/..')"
[ "$(count "$STORE/images")" -eq 0 ] || fail "rm by the ref"
