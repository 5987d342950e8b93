#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The store is --store, else $LAYERMOUNT_STORE; it is created mode 0700 and
# refused when others can enter it.  A crash's leftover temporary directory
# is removed by the next unpack of that layer.
. tests/host/lib.sh

mkimage basic "$T/img"
LAYERMOUNT_STORE=$T/env/store "$LAYERMOUNT" -q unpack "$T/img"
[ "$(count "$T/env/store/layers")" -eq 3 ] || fail "\$LAYERMOUNT_STORE ignored"
[ "$(stat -c %a "$T/env/store")" = 700 ] || fail "store not 0700"

mkdir -p "$T/loose"
chmod 755 "$T/loose"
run_lm unpack --store "$T/loose" "$T/img"
expect_rc 4
expect_err "the store must belong to uid 0 and be closed to others"

hex=$(diff_ids "$T/img" | sed -n 1p)
lm -q unpack "$T/img"
rm -rf "$STORE/layers/$hex"
mkdir -p "$STORE/tmp/$hex.deadbeefdeadbeef/half"
lm -q unpack "$T/img"
[ -d "$STORE/layers/$hex" ] || fail "layer not unpacked again"
[ ! -e "$STORE/tmp/$hex.deadbeefdeadbeef" ] || fail "stale tmp dir kept"
