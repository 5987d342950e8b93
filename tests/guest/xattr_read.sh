#!/bin/sh
# xattrs pass through for reading; trusted.overlay.* is never shown.
# (trusted.* rather than user.*: tmpfs has user xattrs only from 6.6 on.)
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1/d" "$T/l2/d"
echo 1 > "$T/l1/f"
echo 2 > "$T/l2/f"
echo 3 > "$T/l2/g"
setfattr -n trusted.layer -v one "$T/l1/f"
setfattr -n trusted.layer -v two "$T/l2/f"
setfattr -n trusted.big -v "$(printf 'v%.0s' $(seq 1 3000))" "$T/l2/g"
setfattr -n trusted.keep -v t "$T/l2/g"
setfattr -n trusted.overlay.private -v secret "$T/l2/g"
setfattr -n trusted.dir -v d1 "$T/l1/d"
opaque "$T/l2/d"
ln -s g "$T/l2/link"
M=$T/m
lmount "$M" "lowerdir=$T/l1:$T/l2"

assert_eq "$(tryop getxattr "$M/f" trusted.layer | tail -n 1)" one "topmost file's xattr"
assert_eq "$(tryop getxattr "$M/g" trusted.big | tail -n 1 | wc -c)" 3001 "3000-byte value"
assert_eq "$(tryop getxattr "$M/g" trusted.keep | tail -n 1)" t "trusted.* other than overlay"
assert_eq "$(tryop getxattr "$M/d" trusted.dir | tail -n 1)" d1 "merged dir's xattr from the top"
assert_eq "$(tryop getxattr "$M/f" trusted.none)" ENODATA "absent xattr"
assert_eq "$(tryop getxattr "$M/g" trusted.overlay.private)" EOPNOTSUPP "private xattr read"
assert_eq "$(tryop getxattr "$M/d" trusted.overlay.opaque)" EOPNOTSUPP "opaque xattr read"
list=$(tryop listxattr "$M/g" | tail -n +2 | sort | tr '\n' ' ')
assert_eq "$list" "trusted.big trusted.keep " "listxattr hides trusted.overlay.*"
list=$(tryop listxattr "$T/l2/d" | tail -n +2 | tr '\n' ' ')
assert_eq "$list" "trusted.overlay.opaque " "the lower dir does carry the xattr"
assert_eq "$(tryop listxattr "$M/d" | tail -n +2 | tr '\n' ' ')" "trusted.dir " \
	"opaque marker not listed"
# getfattr dumps what users see
getfattr -d -m - "$M/g" 2>/dev/null | grep overlay > /dev/null && fail "getfattr shows overlay xattrs"
getfattr -d -m - "$M/g" 2>/dev/null | grep '^trusted.big=' > /dev/null || fail "getfattr misses trusted.big"
# symlinks: the link's own xattrs (none), not the target's
assert_eq "$(getfattr -h -d -m - "$M/link" 2>/dev/null | grep -c =)" 0 "symlink xattrs"
# setting and removing are refused on a read-only union
assert_eq "$(tryop setxattr "$M/f" trusted.new)" EROFS "setxattr"
assert_eq "$(tryop removexattr "$M/f" trusted.layer)" EROFS "removexattr"
lumount "$M"
