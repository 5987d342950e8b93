#!/bin/sh
# Lookup asks the lowers top down: the topmost file wins, a whiteout hides
# the name below it, a file ends the stack (nothing below a file is
# reachable), directories of the same name are merged.
. /tests/lib.sh
. /tests/guest/union-lib.sh

std_layers
lmount "$T/m" "lowerdir=$T/l1:$T/l2:$T/l3"
M=$T/m
assert_eq "$(content "$M/f")" top "the topmost file wins"
assert_eq "$(content "$M/only2")" two "a file only in the second layer"
[ -e "$M/wh" ] && fail "a whited-out file is visible"
[ -e "$M/d/gone" ] && fail "a whiteout in a merged directory does not hide"
assert_eq "$(content "$M/d/a")" a1 "merged directory, entry of l1"
assert_eq "$(content "$M/d/c")" c3 "merged directory, entry of l3"
[ -f "$M/fd" ] || fail "a file over a directory is not a file"
assert_eq "$(tryop openr "$M/fd/z")" ENOTDIR "a path through a file"
assert_eq "$(content "$M/deep/er/file")" deep "a directory only in l3"
lumount "$M"
