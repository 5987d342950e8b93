#!/bin/sh
# The upper layer is asked first: its files win over the lowers', also
# after the dentry cache is dropped, and its whiteouts hide lower names.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1" "$T/u" "$T/w"
echo lower > "$T/l1/f"
echo lower > "$T/l1/gone"
echo upper > "$T/u/f"
whiteout "$T/u/gone"
lmount "$T/m" "lowerdir=$T/l1,upperdir=$T/u,workdir=$T/w"
assert_eq "$(content "$T/m/f")" upper "the upper file wins"
[ -e "$T/m/gone" ] && fail "an upper whiteout does not hide the lower file"
echo new > "$T/m/n"
echo 2 > /proc/sys/vm/drop_caches
assert_eq "$(content "$T/m/n")" new "a new file after drop_caches"
lumount "$T/m"
