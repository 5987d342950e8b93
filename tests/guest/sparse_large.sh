#!/bin/sh
# Sparse files beyond 4 GiB: size, reads at high offsets, holes.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1"
F=$T/l1/huge
printf 'head' > "$F"
printf 'past4g' | dd of="$F" bs=1 seek=4294967395 conv=notrunc 2>/dev/null
printf 'tail' | dd of="$F" bs=1 seek=6442450940 conv=notrunc 2>/dev/null
M=$T/m
lmount "$M" "lowerdir=$T/l1"
assert_eq "$(stat -c %s "$M/huge")" 6442450944 "size of a 6 GiB sparse file"
assert_eq "$(stat -c %b "$M/huge")" "$(stat -c %b "$F")" "blocks from the lower"
assert_eq "$(rio pread "$M/huge" 4294967395 6)" "$(rio pread "$F" 4294967395 6)" \
	"pread beyond 4 GiB"
assert_eq "$(dd if="$M/huge" bs=1 skip=4294967395 count=6 2>/dev/null)" past4g \
	"dd beyond 4 GiB"
assert_eq "$(dd if="$M/huge" bs=1 skip=6442450940 count=4 2>/dev/null)" tail "last bytes"
assert_eq "$(rio pread "$M/huge" 6442450944 10)" "0 cbf29ce484222325" "read at EOF"
assert_eq "$(rio seek "$M/huge")" "$(rio seek "$F")" "data segments"
lumount "$M"
