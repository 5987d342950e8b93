#!/bin/sh
# A copy-up ends with the copy renamed from W/work/ to its name: a lower
# directory and a symbolic link changed through the union are in the
# upper with their attributes, and the work directory is empty.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1/dir/sub" "$T/u" "$T/w"
ln -s target "$T/l1/dir/link"
lmount "$T/m" "lowerdir=$T/l1,upperdir=$T/u,workdir=$T/w"
chmod 700 "$T/m/dir/sub" || fail "chmod of a lower directory"
assert_eq "$(stat -c %a "$T/u/dir/sub")" 700 "the mode of the upper copy"
[ -d "$T/u/dir" ] || fail "the parent was not copied up"
chown -h 5:6 "$T/m/dir/link" || fail "chown of a lower symbolic link"
assert_eq "$(readlink "$T/u/dir/link")" target "the upper copy of the link"
assert_eq "$(stat -c %u:%g "$T/u/dir/link")" 5:6 "the owner of the link's copy"
assert_eq "$(names "$T/w/work")" "" "the work directory after copy-up"
lumount "$T/m"
