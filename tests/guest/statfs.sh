#!/bin/sh
# statfs: the union's magic, the topmost layer's numbers.
. /tests/lib.sh
. /tests/guest/union-lib.sh

E=$T/ext4
scratch_disk "$E"
mkdir -p "$E/top" "$T/bottom/sub"
dd if=/dev/zero of="$E/top/fill" bs=1M count=3 2>/dev/null
echo x > "$T/bottom/sub/x"
M=$T/m
lmount "$M" "lowerdir=$E/top:$T/bottom"
assert_eq "$(stat -f -c %t "$M")" 4c415946 "f_type is LAYERFS_MAGIC"
for f in %b %f %a %s %c %l; do
	assert_eq "$(stat -f -c $f "$M")" "$(stat -f -c $f "$E/top")" \
		"statfs $f equals the top layer's"
done
# any path of the union, whichever layer it comes from
for p in fill sub sub/x; do
	assert_eq "$(stat -f -c %t "$M/$p")" 4c415946 "f_type of $p"
	assert_eq "$(stat -f -c %b:%s "$M/$p")" "$(stat -f -c %b:%s "$E/top")" \
		"statfs of $p: the top layer's"
done
lumount "$M"
# the order decides: tmpfs on top now
lmount "$M" "lowerdir=$T/bottom:$E/top"
assert_eq "$(stat -f -c %b "$M")" "$(stat -f -c %b "$T/bottom")" "tmpfs on top"
lumount "$M"
umount "$E"
