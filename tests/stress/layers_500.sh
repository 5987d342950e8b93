#!/bin/sh
# timeout: 900
# 500 layers through one lowerdir= string (relative paths), and 1000
# through lowerdir+=.
. /tests/lib.sh
. /tests/guest/union-lib.sh

opt=$(many_layers 500 "$T/L")
cd "$T/L" || fail "cd"
lmount "$T/m" "lowerdir=$opt"
check_many 500 "$T/m"
lumount "$T/m"

many_layers 1000 "$T/K" > /dev/null
cd "$T/K" || fail "cd"
set --
for i in $(seq 1 1000); do set -- "$@" "lowerdir+=$i"; done
assert_eq "$(outcome fsmnt "$T/m" "$@")" OK "1000 layers with lowerdir+="
cd / || fail "cd /"
check_many 1000 "$T/m"
lumount "$T/m"
