#!/bin/sh
# A name in several layers is listed once, with the type of the topmost.
. /tests/lib.sh
. /tests/guest/union-lib.sh

std_layers
lmount "$T/m" "lowerdir=$T/l1:$T/l2:$T/l3"
assert_eq "$(dirents "$T/m" | awk '$1 == "f"' | wc -l)" 1 "f listed once"
assert_eq "$(names "$T/m/d")" "a b c" "the merged directory d"
assert_eq "$(dirents "$T/m" | awk '$1 == "fd" { print $3 }')" f \
	"the type of fd (a file over a directory)"
lumount "$T/m"
