#!/bin/sh
# A name in several layers is listed once, with the type of the topmost;
# a merged directory lists the entries of all its layers.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1/d" "$T/l2/d" "$T/l3/d"
echo 1 > "$T/l1/n"
mkdir "$T/l2/n"
ln -s t "$T/l3/n"
echo > "$T/l1/d/a"
echo > "$T/l2/d/b"
echo > "$T/l3/d/a"
lmount "$T/m" "lowerdir=$T/l1:$T/l2:$T/l3"
assert_eq "$(names "$T/m")" "d n" "the root, each name once"
assert_eq "$(dirents "$T/m" | awk '$1 == "n" { print $3 }')" f \
	"the type of n (a file over a directory over a symlink)"
assert_eq "$(names "$T/m/d")" "a b" "the merged directory d"
lumount "$T/m"
