#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --ref picks a manifest by org.opencontainers.image.ref.name; without it,
# an index of several images is an error (3) that lists them.
. tests/host/lib.sh

mkimage refs "$T/img"
run_lm unpack "$T/img"
expect_rc 3
expect_err "several images, choose one with --ref or --platform: a, b"

run_lm unpack --ref nope "$T/img"
expect_rc 3
expect_err "no image for --ref nope \(available: a, b\)"

lm -q unpack --ref b "$T/img"
grep -rqx b "$STORE/layers" || fail "--ref b did not unpack b"
grep -rqx a "$STORE/layers" && fail "--ref b unpacked a"
lm -q unpack --ref a "$T/img"
[ "$(count "$STORE/layers")" -eq 2 ] || fail "not two layers"
