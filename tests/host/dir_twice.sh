#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two entries for one directory in a layer: the last wins entirely (mode,
# owner, times and xattrs), as with GNU tar and umoci; no mix of both.
. tests/host/lib.sh

mkimage dir_twice "$T/img"
lm -q unpack "$T/img"
x=$(layer "$T/img" 1)/x
[ "$(stat -c '%a %u:%g %Y' "$x")" = "751 2:3 1200000000" ] ||
	fail "x: $(stat -c '%a %u:%g %Y' "$x"), expected 751 2:3 1200000000"
getfattr -d -m 'user\.' --absolute-names "$x" >"$RUN/xattrs"
grep -q '^user.second="2"' "$RUN/xattrs" || fail "last entry's xattr missing"
! grep -q user.first "$RUN/xattrs" || fail "first entry's xattr kept"
[ "$(cat "$x/file")" = "in x" ] || fail "x/file"
