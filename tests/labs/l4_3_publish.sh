#!/bin/sh
# A copy-up ends with the copy renamed from W/work/ to its name: the
# upper has the object with its attributes, the work directory is empty.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1/dir" "$T/u" "$T/w"
echo old > "$T/l1/dir/f"
chmod 640 "$T/l1/dir/f"
lmount "$T/m" "lowerdir=$T/l1,upperdir=$T/u,workdir=$T/w"
chmod 600 "$T/m/dir/f" || fail "chmod of a lower file"
assert_eq "$(stat -c %a "$T/u/dir/f")" 600 "the mode of the upper copy"
assert_eq "$(content "$T/u/dir/f")" old "the data of the upper copy"
[ -d "$T/u/dir" ] || fail "the parent was not copied up"
assert_eq "$(names "$T/w/work")" "" "the work directory after copy-up"
lumount "$T/m"
