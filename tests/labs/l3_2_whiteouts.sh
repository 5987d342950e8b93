#!/bin/sh
# Whiteouts are never listed, and the names they hide neither.
. /tests/lib.sh
. /tests/guest/union-lib.sh

std_layers
lmount "$T/m" "lowerdir=$T/l1:$T/l2:$T/l3"
assert_eq "$(names "$T/m")" "d deep df f fd o only2" "the root without wh"
assert_eq "$(names "$T/m/d")" "a b c" "d without gone"
mkdir -p "$T/s/only"
whiteout "$T/s/only/w"
lmount "$T/m2" "lowerdir=$T/s:$T/l3"
assert_eq "$(names "$T/m2/only")" "" "a whiteout in a one-layer directory"
lumount "$T/m2"
lumount "$T/m"
