#!/bin/sh
# Removing a name that only a lower layer has leaves a whiteout (0:0
# device) in the upper directory; the lower is unchanged.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1/empty" "$T/u" "$T/w"
echo x > "$T/l1/f"
lmount "$T/m" "lowerdir=$T/l1,upperdir=$T/u,workdir=$T/w"
rm "$T/m/f" || fail "unlink of a lower file"
[ -e "$T/m/f" ] && fail "the removed file is still visible"
assert_eq "$(stat -c '%F %t:%T' "$T/u/f")" "character special file 0:0" \
	"the whiteout in the upper"
rmdir "$T/m/empty" || fail "rmdir of an empty lower directory"
[ -e "$T/m/empty" ] && fail "the removed directory is still visible"
assert_eq "$(content "$T/l1/f")" x "the lower file"
lumount "$T/m"
