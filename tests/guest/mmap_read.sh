#!/bin/sh
# mmap of union files, private and shared, sees the lower's data; a
# shared writable mapping of a read-only descriptor is refused.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1" "$T/l2"
dd if=/dev/urandom of="$T/l2/a" bs=1000 count=37 2>/dev/null
dd if=/dev/urandom of="$T/l1/b" bs=4096 count=64 2>/dev/null
printf z > "$T/l2/tiny"
M=$T/m
lmount "$M" "lowerdir=$T/l1:$T/l2"
for f in l2/a l1/b l2/tiny; do
	n=${f#*/}
	for mode in private shared; do
		assert_eq "$(rio mmap "$M/$n" $mode)" "$(rio read "$T/$f")" \
			"mmap $mode $n"
	done
done
assert_eq "$(tryop mmapw "$M/a")" EACCES "shared writable map of O_RDONLY fd"
# the lower changes in place: a new mapping sees the new data
dd if=/dev/urandom of="$T/l2/a" bs=1000 count=37 conv=notrunc 2>/dev/null
assert_eq "$(rio mmap "$M/a" shared)" "$(rio read "$T/l2/a")" "mmap after lower write"
lumount "$M"
