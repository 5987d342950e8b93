#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Memory grows with the tree, not with the entries: one 4,000-byte
# directory path repeated 40,000 times (160 MB of paths if kept per entry)
# unpacks in little memory; the bytes of directory metadata are capped
# (--max-dir-meta): over the cap is a bad image (2), nothing published.
. tests/host/lib.sh

mkimage dir_repeat "$T/rep"
/usr/bin/time -f '%M' -o "$RUN/rss" "$LAYERMOUNT" -q --store "$STORE" \
	unpack "$T/rep" || fail "unpack of the repeated directory"
rss=$(tail -n 1 "$RUN/rss")
note "peak RSS ${rss} KiB for 40,000 entries of one directory"
[ "$rss" -lt 60000 ] || fail "peak RSS $rss KiB: memory grows with entries"

mkimage dir_many "$T/many"
run_lm unpack --max-dir-meta 64K "$T/many"
expect_rc 2
expect_err 'more directory metadata than the cap \(65536 bytes, --max-dir-meta\)'
if find "$STORE/layers" -mindepth 1 -maxdepth 1 -printf '%f\n' |
	grep -v "$(diff_ids "$T/rep")" > /dev/null; then
	fail "a layer was published over the cap"
fi
no_litter
lm -q unpack "$T/many"
[ "$(count "$(layer "$T/many" 1)")" -eq 1000 ] || fail "not 1000 dirs"
