#!/bin/sh
# rmdir of a merged directory fails with ENOTEMPTY while an entry is
# visible, and succeeds once only whiteouts are left.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1/d" "$T/l2/d" "$T/u" "$T/w"
echo a > "$T/l1/d/a"
echo b > "$T/l2/d/b"
lmount "$T/m" "lowerdir=$T/l1:$T/l2,upperdir=$T/u,workdir=$T/w"
assert_eq "$(tryop rmdir "$T/m/d")" ENOTEMPTY "rmdir of a merged directory"
assert_eq "$(names "$T/m/d")" "a b" "its entries"
rm "$T/m/d/a" "$T/m/d/b" || fail "unlink of the entries"
assert_eq "$(tryop rmdir "$T/m/d")" OK "rmdir with only whiteouts left"
[ -e "$T/m/d" ] && fail "the directory is still visible"
lumount "$T/m"
