#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A manifest of 100,000 layers: over the default --max-layers (500) it is a
# bad image (2) refused right after the manifest is read: no other blob
# (config, layers) is opened. With the cap raised, the repeated-layer check
# (a hash set) and the store lookups run (their time is noted, not
# asserted) and the first missing blob ends the run (2), nothing published.
. tests/host/lib.sh

mkimage many_layer_refs "$T/img"
set +e
strace -f -qq -e trace=openat,openat2,open -o "$T/trace" \
	"$LAYERMOUNT" --store "$STORE" unpack "$T/img" >"$RUN/out" 2>"$RUN/err"
rc=$?
set -e
expect_rc 2
expect_err '100000 layers, more than the layer cap \(500, --max-layers\)'
blobs=$(grep -c 'blobs/sha256/' "$T/trace" || true)
[ "$blobs" -eq 1 ] ||
	fail "over the layer cap, $blobs blobs were opened (only the manifest may be)"

t0=${EPOCHREALTIME/./}
set +e
timeout 300 "$LAYERMOUNT" --store "$STORE" unpack --max-layers 100000 \
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
