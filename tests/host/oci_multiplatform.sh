#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A nested multi-platform index: the host's platform by default,
# --platform otherwise, exit 3 when nothing matches.
. tests/host/lib.sh

[ "$(uname -m)" = x86_64 ] || skip "expects an amd64 host"
mkimage multiplatform "$T/img"
lm -q unpack "$T/img"
[ "$(cat "$STORE"/layers/*/arch)" = amd64 ] || fail "host platform not chosen"

rm -rf "$STORE"
lm -q unpack --platform linux/arm64 --ref multi "$T/img"
[ "$(cat "$STORE"/layers/*/arch)" = arm64 ] || fail "linux/arm64 not chosen"

run_lm unpack --platform linux/s390x "$T/img"
expect_rc 3
expect_err "no image for platform linux/s390x \(available: .*linux/arm64/v8"
