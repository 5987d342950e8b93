#!/bin/sh
# Inode numbers with an upper layer: a file keeps its st_ino when it is
# copied up and after a remount; d_ino equals st_ino; new files get the
# upper's numbers; statfs reports the upper filesystem.
. /tests/lib.sh
. /tests/guest/union-lib.sh

E=$T/ext4
scratch_disk "$E"
mkdir -p "$T/l1/d" "$T/l2/d" "$E/u" "$E/w"
echo a > "$T/l1/d/a"
echo b > "$T/l2/d/b"
echo c > "$T/l2/c"
M=$T/m
opts="lowerdir=$T/l1:$T/l2,upperdir=$E/u,workdir=$E/w"
lmount "$M" "$opts"
ia=$(stat -c %i "$M/d/a") ib=$(stat -c %i "$M/d/b") ic=$(stat -c %i "$M/c")
idir=$(stat -c %i "$M/d")
echo more >> "$M/d/a"
chmod 600 "$M/d/b"
touch "$M/c"
[ -f "$E/u/d/a" ] || fail "no copy-up"
assert_eq "$(stat -c %i "$M/d/a")" "$ia" "st_ino after copy-up (a)"
assert_eq "$(stat -c %i "$M/d/b")" "$ib" "st_ino after copy-up (b)"
assert_eq "$(stat -c %i "$M/d")" "$idir" "directory st_ino after copy-up"
echo 3 > /proc/sys/vm/drop_caches
assert_eq "$(stat -c %i "$M/d/a")" "$ia" "st_ino after cache drop"
lumount "$M"
lmount "$M" "$opts"
assert_eq "$(stat -c %i "$M/d/a")" "$ia" "st_ino after remount (a)"
assert_eq "$(stat -c %i "$M/c")" "$ic" "st_ino after remount (c)"
check_dino "$M" . d || fail "d_ino mismatch"
# a new file: the upper's number, index 0 (upper first)
echo n > "$M/d/new"
assert_eq "$(stat -c %i "$M/d/new")" "$(stat -c %i "$E/u/d/new")" "new file's st_ino"
check_dino "$M" d || fail "d_ino mismatch with a new file"
# unique across the mount
ino_snapshot "$M" > "$T/inos"
assert_eq "$(awk '{print $2}' "$T/inos" | sort -u | wc -l)" "$(wc -l < "$T/inos")" \
	"distinct st_ino"
# statfs: the upper filesystem's numbers
assert_eq "$(stat -f -c %b "$M")" "$(stat -f -c %b "$E/u")" "statfs blocks from the upper"
assert_eq "$(stat -f -c %t "$M")" 4c415946 "statfs magic"
lumount "$M"
umount "$E"
