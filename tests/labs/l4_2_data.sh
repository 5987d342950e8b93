#!/bin/sh
# Appending to a lower file copies it up with its data; a sparse file
# stays sparse; the lower file is unchanged.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1" "$T/u" "$T/w"
echo old > "$T/l1/f"
truncate -s 64M "$T/l1/sparse"
echo end >> "$T/l1/sparse"
lmount "$T/m" "lowerdir=$T/l1,upperdir=$T/u,workdir=$T/w"
echo new >> "$T/m/f" || fail "cannot append to a lower file"
assert_eq "$(content "$T/m/f")" "old
new" "the copy has the old data"
assert_eq "$(content "$T/l1/f")" old "the lower file is unchanged"
echo more >> "$T/m/sparse" || fail "cannot append to a sparse file"
assert_eq "$(tail -n 2 "$T/u/sparse")" "end
more" "the end of the sparse copy"
used=$(du -k "$T/u/sparse" | cut -f1)
[ "$used" -lt 1024 ] || fail "the copy of a sparse file uses $used KiB"
lumount "$T/m"
