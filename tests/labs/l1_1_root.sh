#!/bin/sh
# The root of a mount shows the lower root, and with an upper layer new
# files at the root land in the upper directory.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1" "$T/u" "$T/w"
echo low > "$T/l1/f"
lmount "$T/m" "lowerdir=$T/l1"
[ -d "$T/m" ] || fail "the mount's root is not a directory"
assert_eq "$(content "$T/m/f")" low "a file of the lower root"
lumount "$T/m"

lmount "$T/m" "lowerdir=$T/l1,upperdir=$T/u,workdir=$T/w"
echo new > "$T/m/g" || fail "cannot create a file at the root"
assert_eq "$(content "$T/u/g")" new "the new file in the upper root"
assert_eq "$(content "$T/m/f")" low "the lower file beside it"
lumount "$T/m"
