#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# layermount inspect --ci: the secret case (layer 2 adds root/.ssh/id_rsa,
# layer 3 whites it out) and the opaque case (layer 2 adds
# srv/tls/server.key, layer 3 makes srv/tls opaque) are listed with both
# layer numbers and flagged, a plain deleted file is listed unflagged;
# --fail-on-hidden-secrets exits 5 and names the failure, and exits 0 on
# images without hidden secrets; --max-wasted-bytes and --min-efficiency
# pass and fail on each side of the computed figures; created_by pairs
# with the layers, skipping empty_layer history entries.
. tests/host/lib.sh

mkimage inspect_secrets "$T/sec"
mkimage basic "$T/clean"
insp() { "$LAYERMOUNT" inspect "$@"; }

insp --json "$T/sec" >"$RUN/sec.json"
python3 - "$RUN/sec.json" <<'PY' || fail "hidden list or created_by"
import json, sys
doc = json.load(open(sys.argv[1]))
hidden = {h["path"]: h for h in doc["hidden"]}
want = {"root/.ssh/id_rsa": (2, 3, "whiteout", True),
        "srv/tls/server.key": (2, 3, "opaque", True),
        "build.log": (2, 3, "whiteout", False),
        "srv/tls/README": (1, 3, "opaque", False)}
for p, (layer, by, how, secret) in want.items():
    h = hidden[p]
    assert (h["layer"], h["hidden_by"], h["how"], h["secret"]) == \
        (layer, by, how, secret), h
assert set(hidden) == set(want), sorted(hidden)
cb = [l["created_by"] for l in doc["layers"]]
assert cb == ["ADD rootfs.tar /", "COPY id_rsa server.key /",
              "RUN rm /root/.ssh/id_rsa # layer 3"], cb
PY
insp "$T/sec" >"$RUN/sec.txt"
grep -Eq '^ +2 +3  whiteout .*  root/\.ssh/id_rsa  \[secret\?\]$' "$RUN/sec.txt" ||
	fail "text: id_rsa not listed with layers 2 and 3 and flagged"
grep -Eq '^ +2 +3  opaque .*  srv/tls/server\.key  \[secret\?\]$' "$RUN/sec.txt" ||
	fail "text: server.key not listed with layers 2 and 3 and flagged"
grep -Eq '^ +2 +3  whiteout .*  build\.log$' "$RUN/sec.txt" ||
	fail "text: build.log not listed, or flagged"

# history that does not pair with the layers, or none: "-", never an error
mkimage inspect_history_bad "$T/hist"
for img in "$T/hist" "$T/clean"; do
	insp --json "$img" >"$RUN/h.json" || fail "$img: inspect exited $?"
	python3 -c 'import json, sys
assert [l["created_by"] for l in json.load(open(sys.argv[1]))["layers"]] == [None] * 3
' "$RUN/h.json" || fail "$img: created_by not null"
	[ "$(insp "$img" | grep -Ec '^ +[0-9]+  [0-9a-f]{12} .*  -$')" -eq 3 ] ||
		fail "$img: created_by not \"-\" in the text report"
done

# the policy
run_lm inspect --ci --fail-on-hidden-secrets "$T/sec"
expect_rc 5
expect_err "^layermount: $T/sec: policy --fail-on-hidden-secrets failed: 2 "
grep -q '^  FAIL  fail-on-hidden-secrets' "$RUN/out" || fail "no FAIL line"
run_lm inspect --ci "$T/sec"			# the default policy
expect_rc 5
run_lm inspect --ci --json --fail-on-hidden-secrets "$T/sec"
expect_rc 5
python3 -c 'import json, sys
p = json.load(open(sys.argv[1]))["policy"]
assert p["pass"] is False and p["checks"][0]["name"] == "fail-on-hidden-secrets"
' "$RUN/out" || fail "JSON policy"
run_lm inspect --ci --fail-on-hidden-secrets "$T/clean"
expect_rc 0
grep -q '^  PASS  fail-on-hidden-secrets' "$RUN/out" || fail "no PASS line"
[ ! -s "$RUN/err" ] || fail "stderr on a pass: $(cat "$RUN/err")"

wasted=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["totals"]["wasted_bytes"])' "$RUN/sec.json")
eff=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["totals"]["efficiency"])' "$RUN/sec.json")
run_lm inspect --ci --max-wasted-bytes "$wasted" "$T/sec"
expect_rc 0
run_lm inspect --ci --max-wasted-bytes "$((wasted - 1))" "$T/sec"
expect_rc 5
expect_err "policy --max-wasted-bytes failed: $wasted \(limit $((wasted - 1))\)"
lo=$(python3 -c "print($eff - 0.001)")
hi=$(python3 -c "print(min($eff + 0.001, 1))")
run_lm inspect --ci --min-efficiency "$lo" "$T/sec"
expect_rc 0
run_lm inspect --ci --min-efficiency "$hi" "$T/sec"
expect_rc 5
expect_err "policy --min-efficiency failed"
run_lm inspect --ci --min-efficiency 50% --max-wasted-bytes 1G "$T/sec"
expect_rc 5
[ "$(grep -c 'policy --' "$RUN/err")" -eq 1 ] || fail "not one failure: $(cat "$RUN/err")"

# usage: policy options need --ci, values are checked, options are
# inspect's own
for args in "inspect --fail-on-hidden-secrets $T/sec" \
	    "inspect --ci --min-efficiency 2 $T/sec" \
	    "inspect --ci --max-wasted-bytes x $T/sec" \
	    "inspect --files=0 $T/sec" "unpack --json $T/sec" \
	    "inspect --read-only $T/sec" "inspect"; do
	# shellcheck disable=SC2086 # the words of $args are the arguments
	run_lm $args
	expect_rc 1
	expect_err "Try 'layermount --help'"
done
run_lm inspect --files=4 "$T/sec"
expect_rc 1
expect_err "--files=4: the image has 3 layers"
