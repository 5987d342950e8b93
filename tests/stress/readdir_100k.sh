#!/bin/sh
# timeout: 1200
# A merged directory of 100,000 entries over three layers, with whiteouts:
# each name once, getdents with small buffers, seekdir positions valid.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1/d" "$T/l2/d" "$T/l3/d"
# 40,000 per layer, 10,000 names in two layers, 10,000 whited out
(cd "$T/l1/d" && seq -f 'a%06g' 1 40000 | xargs touch) || fail "l1"
(cd "$T/l2/d" && seq -f 'b%06g' 1 40000 | xargs touch) || fail "l2"
(cd "$T/l3/d" && seq -f 'c%06g' 1 40000 | xargs touch) || fail "l3"
(cd "$T/l2/d" && seq -f 'a%06g' 30001 40000 | xargs touch) || fail "dups"
(cd "$T/l1/d" && for i in $(seq -f 'c%06g' 30001 40000); do mknod "$i" c 0 0; done) ||
	fail "whiteouts"
lmount "$T/m" "lowerdir=$T/l1:$T/l2:$T/l3"
assert_eq "$(ls "$T/m/d" | wc -l)" 110000 "merged entries"
assert_eq "$(ls "$T/m/d" | sort -u | wc -l)" 110000 "distinct entries"
assert_eq "$(dirents -b 256 "$T/m/d" | wc -l)" 110002 "getdents with 256 bytes"
out=$(dirents -s "$T/m/d") || fail "seek check: $out"
assert_eq "$out" "OK 110002" "seek check"
lumount "$T/m"
