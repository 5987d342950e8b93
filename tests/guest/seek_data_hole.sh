#!/bin/sh
# SEEK_DATA and SEEK_HOLE report the lower file's layout; SEEK_END too.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1"
F=$T/l1/sparse
dd if=/dev/urandom of="$F" bs=4096 count=2 seek=3 2>/dev/null
dd if=/dev/urandom of="$F" bs=4096 count=1 seek=20 conv=notrunc 2>/dev/null
truncate -s 200000 "$F" || fail "truncate"
dd if=/dev/urandom of="$T/l1/dense" bs=4096 count=4 2>/dev/null
M=$T/m
lmount "$M" "lowerdir=$T/l1"
want=$(rio seek "$F")
[ -n "$want" ] || fail "no data segments in the lower file"
assert_eq "$(rio seek "$M/sparse")" "$want" "data segments of the sparse file"
assert_eq "$(rio seek "$M/dense")" "$(rio seek "$T/l1/dense")" "dense file"
assert_eq "$(rio seek "$M/dense")" "data 0 16384" "dense file layout"
# reading the holes gives zeros, as below
assert_eq "$(rio read "$M/sparse")" "$(rio read "$F")" "sparse file content"
lumount "$M"
