#!/bin/sh
# Lookup goes top-down and stops at non-directories, whiteouts and opaque
# directories; negative lookups stay negative.
. /tests/lib.sh
. /tests/guest/union-lib.sh

std_layers
# a 255-byte name (see below); the lowers do not change once mounted
long=$(printf 'n%.0s' $(seq 255))
echo long > "$T/l3/$long"
M=$T/m
lmount "$M" "lowerdir=$T/l1:$T/l2:$T/l3"

assert_eq "$(content "$M/f")" top "topmost file wins"
assert_eq "$(content "$M/only2")" two "file from a middle layer"
[ -e "$M/wh" ] && fail "whited-out file is visible"
assert_eq "$(tryop openr "$M/wh")" ENOENT "open of a whited-out name"
assert_eq "$(content "$M/d/a")" a1 "merged dir, entry from l1"
assert_eq "$(content "$M/d/b")" b2 "merged dir, entry from l2"
assert_eq "$(content "$M/d/c")" c3 "merged dir, entry from l3"
[ -e "$M/d/gone" ] && fail "whiteout in a merged dir does not hide"
assert_eq "$(content "$M/o/x")" visible "opaque dir's own entry"
[ -e "$M/o/y" ] && fail "opaque dir does not hide the layer below"
[ -f "$M/fd" ] || fail "file over a directory is not a file"
[ -e "$M/fd/z" ] && fail "lookup went through a file into a lower dir"
assert_eq "$(tryop openr "$M/fd/z")" ENOTDIR "path through a file"
[ -d "$M/df" ] || fail "directory over a file is not a directory"
assert_eq "$(content "$M/df/x")" x "entry of the top directory"
[ -e "$M/df/never" ] && fail "dir below a file below a dir was merged"
assert_eq "$(content "$M/deep/er/file")" deep "passed-through directory"
# the whiteout device itself is not reachable through the union
[ -c "$M/d/gone" ] && fail "whiteout visible as a device"

# negative lookups: absent names, repeated (cached) and through missing dirs
for i in 1 2 3; do
	[ -e "$M/nothing" ] && fail "absent name exists (try $i)"
done
assert_eq "$(tryop openr "$M/nothing/below")" ENOENT "missing parent"
assert_eq "$(tryop openr "$M/d/nothing")" ENOENT "absent in merged dir"

# long names: 255 is fine, 256 is ENAMETOOLONG
assert_eq "$(content "$M/$long")" long "255-byte name"
assert_eq "$(tryop openr "$M/${long}x")" ENAMETOOLONG "256-byte name"

# results survive dropping the dentry cache
sync
echo 2 > /proc/sys/vm/drop_caches
assert_eq "$(content "$M/f")" top "after drop_caches"
[ -e "$M/wh" ] && fail "whiteout after drop_caches"
[ -e "$M/o/y" ] && fail "opaque after drop_caches"

# an opaque directory in the top layer hides everything below
mkdir -p "$T/a1/x" "$T/a2/x"
echo 1 > "$T/a2/x/hidden"
echo 2 > "$T/a1/x/shown"
opaque "$T/a1/x"
lmount "$T/m2" "lowerdir=$T/a1:$T/a2"
assert_eq "$(names "$T/m2/x")" "shown" "opaque top dir"
lumount "$T/m2"
lumount "$M"
