#!/bin/sh
# Writing through an upper layer: write, pwrite, append, truncate,
# fallocate, shared writable mmap, fsync/fdatasync/syncfs, flock and
# fcntl locks; every change lands in the upper file only.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1" "$T/u" "$T/w"
printf 'abcdefghij' > "$T/l1/f"
cp "$T/l1/f" "$T/l1/g"
cp "$T/l1/f" "$T/l1/h"
dd if=/dev/urandom of="$T/l1/big" bs=4096 count=8 2>/dev/null
M=$T/m
lmount "$M" "lowerdir=$T/l1,upperdir=$T/u,workdir=$T/w"

assert_eq "$(tryop pwrite "$M/f" XY)" OK "pwrite"
assert_eq "$(cat "$M/f")" "abcXYfghij" "pwrite content"
assert_eq "$(cat "$T/l1/f")" "abcdefghij" "lower untouched"
assert_eq "$(tryop write "$M/f" END)" OK "append"
assert_eq "$(cat "$M/f")" "abcXYfghijEND" "append content"
assert_eq "$(stat -c %s "$M/f")" 13 "size after append"
assert_eq "$(tryop truncn "$M/g" 4)" OK "truncate"
assert_eq "$(cat "$M/g")" abcd "truncated content"
assert_eq "$(tryop fallocate "$M/h")" OK "fallocate"
assert_eq "$(stat -c %s "$M/h")" 4096 "size after fallocate"
assert_eq "$(tryop mmapwrite "$M/big" MAPPED)" OK "shared writable mmap"
assert_eq "$(head -c 6 "$M/big")" MAPPED "data written through the mapping"
assert_eq "$(head -c 6 "$T/u/big")" MAPPED "mapping wrote the upper file"
for op in fsync fdatasync syncfs; do
	assert_eq "$(tryop $op "$M/f")" OK "$op"
done
# locks conflict between processes as on any filesystem
tryop flockhold "$M/g" 3 > /dev/null &
sleep 1
assert_eq "$(tryop flock "$M/g")" EAGAIN "flock held by another process"
wait
assert_eq "$(tryop flock "$M/g")" OK "flock after release"
assert_eq "$(tryop fcntllock "$M/g")" OK "fcntl lock"
# dd with conv=notrunc over a middle range
printf 'ZZ' | dd of="$M/big" bs=1 seek=10000 conv=notrunc 2>/dev/null
assert_eq "$(dd if="$M/big" bs=1 skip=10000 count=2 2>/dev/null)" ZZ "dd write"
assert_eq "$(rio read "$T/u/big")" "$(rio read "$M/big")" "union reads the upper"
lumount "$M"
