#!/bin/sh
# A lower layer that lists its directory in batches, one per read, with a
# batch that only repeats names (dupfuse, a FUSE filesystem): the merged
# listing reads on until a read returns nothing at all and loses no
# entry.
. /tests/lib.sh
. /tests/guest/union-lib.sh

[ -c /dev/fuse ] || skip "no /dev/fuse"
mkdir -p "$T/fuse" "$T/l2" "$T/m"
must dupfuse "$T/fuse"
# the lower itself lists a and b twice
assert_eq "$(names "$T/fuse")" "a a b b c" "the FUSE lower itself"
echo z > "$T/l2/z" || fail "l2/z"
lmount "$T/m" "lowerdir=$T/fuse:$T/l2"
assert_eq "$(names "$T/m")" "a b c z" "merged listing over the FUSE lower"
assert_eq "$(count "$T/m")" 4 "no name listed twice"
[ -f "$T/m/c" ] || fail "c cannot be looked up"
lumount "$T/m"
# the FUSE lower alone (a single-layer directory is read the same way)
lmount "$T/m" "lowerdir=$T/fuse"
assert_eq "$(names "$T/m")" "a b c" "listing of the FUSE lower alone"
lumount "$T/m"
must umount "$T/fuse"
