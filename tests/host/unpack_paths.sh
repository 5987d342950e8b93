#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Accepted with care: absolute and dotted names are normalised to the layer
# root; later entries replace earlier ones; overlay xattrs are stripped with
# a warning while other xattrs are kept.
. tests/host/lib.sh

mkimage abs_paths "$T/abs"
lm -q unpack "$T/abs"
l=$(layer "$T/abs" 1)
[ "$(cat "$l/abs/file")" = abs ] || fail "/abs/file not under the root"
[ -f "$l/double/slash" ] || fail "double/slash not normalised"
[ -f "$l/dot/x" ] || fail "dot/x not normalised"

mkimage replace "$T/rep"
lm -q unpack "$T/rep"
l=$(layer "$T/rep" 1)
[ "$(cat "$l/f")" = second ] || fail "later file did not win"
[ "$(cat "$l/dd")" = "now a file" ] || fail "directory not replaced by file"
[ -f "$l/ff/in" ] || fail "file not replaced by directory"

mkimage xattr_strip "$T/x"
run_lm unpack "$T/x"
expect_rc 0
expect_err "entry file: xattr trusted\.overlay\.opaque stripped"
expect_err "entry file: xattr user\.overlay\.redirect stripped"
l=$(layer "$T/x" 1)
getfattr -d -m- "$l/file" | grep -q overlay && fail "overlay xattr kept"
[ "$(getfattr --only-values -n user.keep "$l/file")" = kept ] ||
	fail "user.keep xattr lost"
