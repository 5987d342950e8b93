#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The caps on entries, uncompressed bytes, path depth and JSON size are
# settable; exceeding one is a bad image (2) with nothing published.
. tests/host/lib.sh

mkimage basic "$T/img"
check() {
	run_lm unpack "$@" "$T/img"
	expect_rc 2
	[ ! -d "$STORE/layers" ] || [ -z "$(ls "$STORE/layers")" ] ||
		fail "layer published despite a cap ($*)"
}
check --max-entries 3
expect_err "more entries than the entry cap \(3\)"
check --max-bytes 2K
expect_err "more uncompressed bytes than the size cap"
check --max-depth 1
expect_err "entry .*: path deeper than the depth cap"
check --max-json 100
expect_err "index.json: larger than the JSON size cap"
lm -q unpack --max-entries 14 --max-depth 2 --max-bytes 32K "$T/img"
