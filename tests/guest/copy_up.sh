#!/bin/sh
# Copy-up on write access: data, holes, mode, owner, times, xattrs,
# symlinks, special files, parents first; lowers never change.
. /tests/lib.sh
. /tests/guest/union-lib.sh

std_layers
L1=$T/l1 U=$T/u W=$T/w M=$T/m
mkdir -p "$U" "$W"
chown 7:8 "$T/l2/only2"
chmod 640 "$T/l2/only2"
touch -d "2020-05-06 07:08:09" "$T/l2/only2"
setfattr -n trusted.tag -v keep "$T/l2/only2"
dd if=/dev/urandom of="$T/l3/deep/er/sparse" bs=4096 count=1 seek=100 2>/dev/null
truncate -s 1000000 "$T/l3/deep/er/sparse"
ln -s ../f "$T/l2/lnk"
mkfifo "$T/l3/fifo"
touch -d "2019-03-04 05:06:07" "$T/l3/deep/er/file"
hash_lowers() { (cd "$T" && find l1 l2 l3 | sort | while read -r p; do
	stat -c '%n %f %s %Y %u %g' "$p"
	if [ -f "$p" ]; then md5sum < "$p"; fi
done); }
hash_lowers > "$T/lowers.before"

# leftovers of an interrupted copy-up are removed at mount
mkdir -p "$W/work/#junk/sub" "$W/work/#dir"
echo partial > "$W/work/#17"
mknod "$W/work/#dir/wh" c 0 0
lmount "$M" "lowerdir=$L1:$T/l2:$T/l3,upperdir=$U,workdir=$W"
[ -d "$W/work" ] || fail "no work directory"
assert_eq "$(names "$W/work")" "" "work directory emptied at mount"

# append to a file from a middle layer: data, owner, mode, xattr copied
echo more >> "$M/only2"
assert_eq "$(cat "$M/only2")" "two
more" "appended content"
assert_eq "$(cat "$U/only2")" "two
more" "upper content"
assert_eq "$(stat -c %u:%g:%a "$U/only2")" "7:8:640" "owner and mode copied"
assert_eq "$(getfattr -n trusted.tag --only-values "$U/only2" 2>/dev/null)" keep \
	"xattr copied"
getfattr -d -m trusted.overlay.origin "$U/only2" 2>/dev/null | grep origin > /dev/null ||
	fail "no origin recorded"

# chmod of a file deep in the bottom layer copies the parents first
chmod 600 "$M/deep/er/file"
[ -d "$U/deep/er" ] || fail "parents not copied up"
assert_eq "$(stat -c %a "$U/deep/er/file")" 600 "chmod in upper"
assert_eq "$(cat "$U/deep/er/file")" deep "data with chmod copy-up"
assert_eq "$(stat -c %Y "$M/deep/er/file")" "$(stat -c %Y "$T/l3/deep/er/file")" \
	"mtime kept by a metadata copy-up"
assert_eq "$(stat -c %Y "$U/deep")" "$(stat -c %Y "$T/l3/deep")" "parent mtime copied"
# sparse file stays sparse
touch "$M/deep/er/sparse"
assert_eq "$(rio read "$U/deep/er/sparse")" "$(rio read "$T/l3/deep/er/sparse")" \
	"sparse data"
assert_eq "$(rio seek "$U/deep/er/sparse")" "$(rio seek "$T/l3/deep/er/sparse")" \
	"sparse layout"
# times: utimes copies up with the new times
touch -d "2001-02-03 04:05:06" "$M/f"
assert_eq "$(stat -c %Y "$M/f")" "$(stat -c %Y "$U/f")" "utimes in upper"
assert_eq "$(cat "$U/f")" top "utimes copy keeps data"
# O_TRUNC copies no data: a lower file larger than the space left on
# the upper's filesystem opens with O_TRUNC (a copy would fail ENOSPC)
printf new > "$M/d/b"
assert_eq "$(cat "$M/d/b")" new "truncating write"
mkdir -p "$T/small"
mount -t tmpfs -o size=1m tmpfs "$T/small"
mkdir "$T/small/u" "$T/small/w" "$T/tl" "$T/tm"
dd if=/dev/urandom of="$T/tl/big" bs=1M count=4 2>/dev/null
lmount "$T/tm" "lowerdir=$T/tl,upperdir=$T/small/u,workdir=$T/small/w"
assert_eq "$(tryop append "$T/tm/big")" ENOSPC "copy-up of 4 MiB into 1 MiB"
printf new > "$T/tm/big" || fail "O_TRUNC open copied the data"
assert_eq "$(cat "$T/small/u/big")" new "truncated copy-up"
lumount "$T/tm"
umount "$T/small"
# symlink and fifo
chown -h 3:3 "$M/lnk"
assert_eq "$(readlink "$U/lnk")" "../f" "symlink copied"
assert_eq "$(stat -c %u "$M/lnk")" 3 "symlink owner"
chmod 600 "$M/fifo"
assert_eq "$(stat -c %F "$U/fifo")" fifo "fifo copied"

# a descriptor opened read-only before the copy-up reads the new data
exec 3< "$M/d/c"
echo replaced > "$M/d/c"
assert_eq "$(cat <&3)" replaced "old read-only fd follows the copy"
exec 3<&-
assert_eq "$(names "$W/work")" "" "work directory empty"
lumount "$M"
hash_lowers > "$T/lowers.after"
cmp -s "$T/lowers.before" "$T/lowers.after" || fail "a lower layer changed"
# the state survives a remount
lmount "$M" "lowerdir=$L1:$T/l2:$T/l3,upperdir=$U,workdir=$W"
assert_eq "$(cat "$M/only2")" "two
more" "after remount"
assert_eq "$(cat "$M/d/c")" replaced "after remount (2)"
lumount "$M"
