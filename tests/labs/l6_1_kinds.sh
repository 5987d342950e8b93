#!/bin/bash
# lab-test: host
# OCI whiteout names are recognised: no ".wh." entry is left in the
# unpacked layer, and a reserved ".wh..wh." name is skipped with a warning.
. tests/host/lib.sh

unpack_fixture whiteouts
expect_err "entry \.wh\.\.wh\.\.plnk: reserved whiteout name skipped"
l=$(layer "$T/img" 2)
left=$(find "$l" -name '.wh.*')
[ -z "$left" ] || fail "OCI markers left in the layer: $left"
