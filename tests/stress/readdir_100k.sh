#!/bin/sh
# timeout: 1200
# A merged directory of 100,000 entries over three layers, with whiteouts:
# each name once, getdents with small buffers, seekdir positions valid.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1/d" "$T/l2/d" "$T/l3/d"
# 40,000 per layer, 10,000 names in two layers, 10,000 whited out
must mkents "$T/l1/d" a 1 40000 f
must mkents "$T/l2/d" b 1 40000 f
must mkents "$T/l3/d" c 1 40000 f
must mkents "$T/l2/d" a 30001 40000 f
must mkents "$T/l1/d" c 30001 40000 w
lmount "$T/m" "lowerdir=$T/l1:$T/l2:$T/l3"
assert_eq "$(count "$T/m/d")" 110000 "merged entries"
assert_eq "$(find "$T/m/d" -mindepth 1 -maxdepth 1 | sort -u | wc -l)" 110000 "distinct entries"
assert_eq "$(dirents -b 256 "$T/m/d" | wc -l)" 110002 "getdents with 256 bytes"
out=$(dirents -s "$T/m/d") || fail "seek check: $out"
assert_eq "$out" "OK 110002" "seek check"
lumount "$T/m"
