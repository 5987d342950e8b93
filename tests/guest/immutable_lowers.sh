#!/bin/sh
# timeout: 600
# The immutable_lowers option: the union tests pass with it as without;
# the index of a merged directory is what lookups and listings use, and a
# directory with an upper part keeps its listing until it changes; and a
# lower changed under such a mount (which layerfs.rst calls undefined)
# gives stale results or errors, never a crash or a kernel warning.
. /tests/lib.sh
. /tests/guest/union-lib.sh

# 1: the tests that mount with lmount and leave the lowers alone, again
# with the option
for t in differential_overlay differential_ops lookup readdir readdir_seek \
	whiteout_ops layers_many file_types stat_ino hardlinks_upper copy_up; do
	d=$T/suite/$t
	mkdir -p "$d"
	rc=0
	(cd "$d" && T=$d LFS_MOUNT_OPTS=immutable_lowers sh "/tests/guest/$t.sh") \
		> "$T/out" 2>&1 || rc=$?
	sed "s/^/# $t: /" "$T/out"
	[ "$rc" = 0 ] || [ "$rc" = 77 ] ||
		fail "$t with immutable_lowers: $(grep FAIL: "$T/out" | tail -n 1)"
done

# 2: the option is shown, and the index is in use: a name added below
# after the directory was indexed stays unseen (without the option, the
# lookup asks every layer and finds it)
std_layers
M=$T/m
lmount "$M" "lowerdir=$T/l1:$T/l2:$T/l3,immutable_lowers"
grep -q " $M layerfs .*,immutable_lowers" /proc/mounts ||
	fail "immutable_lowers not in /proc/mounts: $(grep " $M " /proc/mounts)"
assert_eq "$(names "$M/d")" "a b c" "merged dir with the option"
assert_eq "$(content "$M/d/c")" c3 "bottom file through the index"
[ -e "$M/d/gone" ] && fail "whited-out name found through the index"
echo new > "$T/l3/d/new"
[ -e "$M/d/new" ] && fail "a name added below an indexed directory was looked up"
lumount "$M"
lmount "$M" "lowerdir=$T/l1:$T/l2:$T/l3"
assert_eq "$(names "$M/d")" "a b c new" "merged dir without the option"
echo new2 > "$T/l3/d/new2"
assert_eq "$(content "$M/d/new2")" new2 "without the option, a new lower name"
lumount "$M"

# 2b: a directory with an upper part keeps its merged listing in the inode
# with the option: a name put in the upper directory behind the union's
# back stays unseen at the next open, until a change through the union
# (or a copy-up in it) drops the listing. Without the option every open
# merges again and shows it.
# upper_mount [OPTION]: $M over the three lowers and a fresh upper (with
# OPTION); d/mine made through it; $before: d's listing then
upper_mount() {
	rm -rf "$T/u" "$T/w"
	mkdir -p "$T/u" "$T/w"
	lmount "$M" "lowerdir=$T/l1:$T/l2:$T/l3,upperdir=$T/u,workdir=$T/w${1:+,$1}"
	echo mine > "$M/d/mine"
	before=$(names "$M/d")
}
upper_mount immutable_lowers
echo zs1 > "$T/u/d/zs1"
assert_eq "$(names "$M/d")" "$before" "listing kept across opens"
echo zm > "$M/d/zm"
assert_eq "$(names "$M/d")" "$before zm zs1" "listing after a create"
echo zs2 > "$T/u/d/zs2"
rm "$M/d/zm"
assert_eq "$(names "$M/d")" "$before zs1 zs2" "listing after an unlink"
echo zs3 > "$T/u/d/zs3"
echo more >> "$M/d/a"	# a copy-up in d
assert_eq "$(names "$M/d")" "$before zs1 zs2 zs3" "listing after a copy-up"
lumount "$M"
upper_mount
echo zs1 > "$T/u/d/zs1"
assert_eq "$(names "$M/d")" "$before zs1" "without the option, a new upper name"
lumount "$M"

# 3: lowers changed under an immutable mount: any result, no crash
lmount "$M" "lowerdir=$T/l1:$T/l2:$T/l3,immutable_lowers"
find "$M" > /dev/null
cat "$M/f" "$M/d/a" "$M/d/b" > /dev/null
exec 3< "$M/d/b"
rm -rf "$T/l3/d" "$T/l2/o"
rm "$T/l1/f" "$T/l2/d/b"
mkdir "$T/l2/only2.new" && mv "$T/l2/only2.new" "$T/l2/d/b"
echo late > "$T/l2/d/late"
whiteout "$T/l2/d/x"
cat <&3 > /dev/null 2>&1 || true
exec 3<&-
for i in 1 2 3; do
	find "$M" > /dev/null 2>&1 || true
	ls -la "$M/d" "$M/o" > /dev/null 2>&1 || true
	cat "$M/f" "$M/d/b" "$M/d/c" "$M/d/late" > /dev/null 2>&1 || true
	echo 2 > /proc/sys/vm/drop_caches
done
churn_below "$T/l2" "$M"
lumount "$M"
