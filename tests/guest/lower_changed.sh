#!/bin/sh
# Lowers changed behind the union's back give the new content or a clean
# error, never a crash; unmount still works.
. /tests/lib.sh
. /tests/guest/union-lib.sh

std_layers
M=$T/m
lmount "$M" "lowerdir=$T/l1:$T/l2:$T/l3"
# populate caches
find "$M" > /dev/null
cat "$M/f" "$M/d/a" > /dev/null

# content changed in place: visible at once
echo changed > "$T/l1/f"
assert_eq "$(content "$M/f")" changed "in-place change"

# file removed from the top layer: the one below shows through, or ENOENT
rm "$T/l1/f"
got=$(content "$M/f")
case "$got" in mid|"<absent>") ;; *) fail "after removing the top file: '$got'" ;; esac
echo 2 > /proc/sys/vm/drop_caches
assert_eq "$(content "$M/f")" mid "after removal and cache drop"

# file replaced by a directory
rm "$T/l2/only2"
mkdir "$T/l2/only2"
echo in > "$T/l2/only2/x"
got=$(content "$M/only2/x")
case "$got" in in|"<absent>") ;; *) fail "file replaced by a dir: '$got'" ;; esac

# open descriptor on a file that is then unlinked below: old data
exec 3< "$M/d/a"
rm "$T/l1/d/a"
assert_eq "$(cat <&3)" a1 "read from an open fd after unlink below"
exec 3<&-
[ -e "$M/d/a" ] && fail "unlinked lower file still visible"

# directory removed while a process sits in it and another lists it
exec 4< "$M/deep/er"
(cd "$M/deep/er" && sleep 1) &
rm -rf "$T/l3/deep"
ls "$M/deep/er" > /dev/null 2>&1
ls "$M/deep" > /dev/null 2>&1
stat "$M/deep/er/file" > /dev/null 2>&1 && fail "file of a removed dir"
wait
exec 4<&-

# opaque directory renamed below: the new name shows it, the old name
# now shows the (no longer hidden) directory of the layer below
assert_eq "$(names "$M/o")" "x" "opaque dir before the rename"
mv "$T/l2/o" "$T/l2/o2"
assert_eq "$(names "$M/o2")" "x" "renamed lower dir"
assert_eq "$(names "$M/o")" "y" "old name after the rename below"

# a new file below, after the name was looked up (negative) and after
# a cache drop
[ -e "$M/late" ] && fail "late exists early"
echo late > "$T/l3/late"
echo 2 > /proc/sys/vm/drop_caches
assert_eq "$(content "$M/late")" late "new lower file after cache drop"

# a whiteout appears in a middle layer
whiteout "$T/l2/late"
echo 2 > /proc/sys/vm/drop_caches
[ -e "$M/late" ] && fail "new whiteout ignored after cache drop"

# heavy churn below while readers walk the union
(for i in $(seq 1 30); do
	mkdir -p "$T/l2/churn/$i"; echo $i > "$T/l2/churn/$i/f"
	rm -rf "$T/l2/churn/$((i - 1))"
done) &
for i in $(seq 1 30); do
	find "$M" > /dev/null 2>&1
	cat "$M"/churn/*/f > /dev/null 2>&1
done
wait
lumount "$M"
