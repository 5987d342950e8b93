#!/bin/sh
# Layers on different filesystems (tmpfs and ext4): st_ino stays unique
# within the mount and stable, the filesystem index is in the high bits,
# and d_ino still equals st_ino.
. /tests/lib.sh
. /tests/guest/union-lib.sh

E=$T/ext4
scratch_disk "$E"
mkdir -p "$T/t1/d" "$E/e2/d"
# many small numbers on both sides, so plain real numbers would collide
for i in $(seq 1 40); do
	echo "t$i" > "$T/t1/d/t$i"
	echo "e$i" > "$E/e2/d/e$i"
done
echo top > "$T/t1/both"
echo bottom > "$E/e2/both"

# stable across lookups, cache drops and remounts, and unique
M=$T/m
lmount "$M" "lowerdir=$T/t1:$E/e2"
ino_stable "$M" "lowerdir=$T/t1:$E/e2"
ino_unique "$T/ino.1" 0

# tmpfs is the first filesystem (index 0): numbers unchanged; ext4 gets
# index 1 in the top bit
assert_eq "$(stat -c %i "$M/d/t1")" "$(stat -c %i "$T/t1/d/t1")" "tmpfs file"
# 2^63 + ino, by string arithmetic (2^63 = 922337203685 * 10^7 + 4775808)
ext=$(stat -c %i "$E/e2/d/e1")
[ "$ext" -lt 5000000 ] || skip "ext4 inode number $ext too large for the check"
assert_eq "$(stat -c %i "$M/d/e1")" "922337203685$(printf %07d $((4775808 + ext)))" \
	"ext4 file with fsid 1 in bit 63"

# d_ino == st_ino
check_dino "$M" . d || fail "d_ino mismatch"
lumount "$M"
umount "$E"
