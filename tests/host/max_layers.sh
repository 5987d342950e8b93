#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A manifest of 100,000 layers: over the default --max-layers (500) it is a
# bad image (2) in well under a second; with the cap raised, the repeated-
# layer check (a hash set) and the store lookups take seconds, not minutes,
# and the first missing blob ends the run (2), nothing published.
. tests/host/lib.sh

mkimage many_layer_refs "$T/img"
t0=${EPOCHREALTIME/./}
run_lm unpack "$T/img"
el=$(( ${EPOCHREALTIME/./} - t0 ))
expect_rc 2
expect_err '100000 layers, more than the layer cap \(500, --max-layers\)'
[ "$el" -lt 1000000 ] || fail "the layer cap took $el us"

t0=${EPOCHREALTIME/./}
set +e
timeout 30 "$LAYERMOUNT" --store "$STORE" unpack --max-layers 100000 \
	--max-json 64M "$T/img" >"$RUN/out" 2>"$RUN/err"
rc=$?
set -e
el=$(( ${EPOCHREALTIME/./} - t0 ))
note "100,000 layers with --max-layers 100000: exit $rc in $el us"
expect_rc 2
expect_err 'blobs/sha256/[0-9a-f]{64}: No such file or directory'
[ -z "$(ls "$STORE/layers")" ] || fail "a layer was published"
no_litter
run_lm unpack --max-layers 0 "$T/img"
expect_rc 1
