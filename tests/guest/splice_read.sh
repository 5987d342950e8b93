#!/bin/sh
# sendfile and splice out of union files.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1" "$T/l2"
dd if=/dev/urandom of="$T/l2/a" bs=1000 count=333 2>/dev/null
dd if=/dev/urandom of="$T/l1/b" bs=65536 count=20 2>/dev/null
printf 'q' > "$T/l2/c"
M=$T/m
lmount "$M" "lowerdir=$T/l1:$T/l2"
for f in l2/a l1/b l2/c; do
	n=${f#*/}
	want=$(rio read "$T/$f")
	assert_eq "$(rio sendfile "$M/$n")" "$want" "sendfile $n"
	assert_eq "$(rio splice "$M/$n")" "$want" "splice $n"
done
# busybox cat and tee use plain reads; cp may use sendfile/copy_file_range
cp "$M/a" "$T/copy" || fail "cp out of the union"
cmp -s "$T/copy" "$T/l2/a" || fail "cp copy differs"
lumount "$M"
