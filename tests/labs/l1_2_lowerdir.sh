#!/bin/sh
# lowerdir=L1:L2:L3 stacks three layers, L1 on top; "\:" is a colon
# inside a path; an empty element fails with EINVAL.
. /tests/lib.sh
. /tests/guest/union-lib.sh

std_layers
lmount "$T/m" "lowerdir=$T/l1:$T/l2:$T/l3"
assert_eq "$(content "$T/m/f")" top "the first layer is the top one"
assert_eq "$(content "$T/m/only2")" two "a file of the second layer"
assert_eq "$(content "$T/m/deep/er/file")" deep "a file of the third layer"
lumount "$T/m"

mkdir -p "$T/a:b"
echo colon > "$T/a:b/c"
lmount "$T/m" "lowerdir=$T/a\\:b:$T/l3"
assert_eq "$(content "$T/m/c")" colon "a layer with a colon in its path"
lumount "$T/m"

mount_fails "$T/m" "lowerdir=$T/l1::$T/l2" EINVAL "lowerdir: empty path at position 2"
