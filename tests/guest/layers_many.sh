#!/bin/sh
# timeout: 240
# A union of 100 layers (the scale version with 500 is tests/stress);
# relative lowerdirs keep the option string within a page.
. /tests/lib.sh
. /tests/guest/union-lib.sh

opt=$(many_layers 100 "$T/L")
cd "$T/L" || fail "cd"
lmount "$T/m" "lowerdir=$opt"
cd / || fail "cd /"
check_many 100 "$T/m"
assert_eq "$(dirents -s "$T/m/d")" "OK $((100 - 19 + 2))" "seek check over 100 layers"
lumount "$T/m"
