#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# layermount inspect refuses every hostile fixture image (mkimage.py's
# h_* scenarios: corrupt and cut blobs, wrong digests and sizes, hostile
# paths, links, whiteouts, JSON) exactly as unpack does: the same exit
# status and the same messages, and it writes nothing anywhere.
# Not compared: h_sparse_huge and h_xattr_malformed, which unpack's
# filesystem refuses at write time (EFBIG, EINVAL): inspect writes nothing
# and reports them (layermount(8), INSPECT).
. tests/host/lib.sh

mkdir -p "$T/outside"
echo canary >"$T/outside/file"
n=0
mapfile -t scenarios < <(sed -n 's/^def sc_\(h_[a-z0-9_]*\)(.*/\1/p' "$FIXTURES/mkimage.py")
for sc in "${scenarios[@]}"; do
	case $sc in h_sparse_huge|h_xattr_malformed) continue ;; esac
	mkimage "$sc" "$T/img-$sc"
	snapshot "$T" "$RUN" >"$RUN/before"
	set +e
	"$LAYERMOUNT" inspect "$T/img-$sc" >"$RUN/out" 2>"$RUN/inspect.err"
	irc=$?
	set -e
	snapshot "$T" "$RUN" >"$RUN/after"
	diff -u "$RUN/before" "$RUN/after" || fail "$sc: inspect changed something"
	run_lm unpack "$T/img-$sc"		# a fresh store each time
	rm -rf "$STORE"
	[ "$irc" -eq "$rc" ] || fail "$sc: inspect exited $irc, unpack $rc"
	[ "$rc" -eq 2 ] || fail "$sc: unpack exited $rc, not 2"
	diff -u "$RUN/err" "$RUN/inspect.err" ||
		fail "$sc: inspect's messages differ from unpack's"
	[ ! -s "$RUN/out" ] || fail "$sc: inspect printed a report"
	n=$((n + 1))
done
[ "$n" -ge 45 ] || fail "only $n hostile scenarios"
[ ! -e "$T/escape" ] || fail "escape file $T/escape made"
[ ! -e /escape ] || fail "escape file /escape made"
note "$n hostile images: same exit status 2 and messages as unpack"
