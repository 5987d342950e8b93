#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# OCI whiteouts become overlayfs ones wherever they stand: .wh.NAME -> 0:0
# device, .wh..wh..opq -> opaque xattr (before or after the directory's
# content, or with the directory only implied); a real entry beats a
# whiteout of the same name in either order; a hard link named .wh.X is a
# whiteout; other .wh..wh. names are skipped with a warning.
. tests/host/lib.sh

mkimage whiteouts "$T/img"
run_lm unpack "$T/img"
expect_rc 0
expect_err "entry \.wh\.\.wh\.\.plnk: reserved whiteout name skipped"
l=$(layer "$T/img" 2)

is_wh() { [ "$(stat -c '%F %t:%T' "$1")" = "character special file 0:0" ]; }
opaque() { [ "$(getfattr --only-values -n trusted.overlay.opaque "$1")" = y ]; }

is_wh "$l/a/x" || fail "a/x is not a whiteout"
is_wh "$l/hw" || fail "hard link .wh.hw is not a whiteout"
is_wh "$l/deep/er/gone" || fail "deep/er/gone is not a whiteout"
opaque "$l/o" || fail "o not opaque"
opaque "$l/p" || fail "p not opaque (marker after content)"
opaque "$l/q" || fail "q not opaque (directory only implied)"
[ -f "$l/o/upper" ] || fail "opaque dir o lost content"
[ -f "$l/p/upper" ] || fail "opaque dir p lost content"
[ "$(cat "$l/both")" = "real wins" ] || fail "whiteout beat a later real entry"
[ "$(cat "$l/both2")" = "real first" ] || fail "whiteout beat an earlier real entry"
[ -z "$(find "$l" -name '.wh.*')" ] || fail "OCI markers left: $(find "$l" -name '.wh.*')"
[ "$(getfattr --only-values -n trusted.overlay.opaque "$l/a" 2>/dev/null)" = "" ] ||
	fail "a wrongly opaque"
