#!/bin/sh
# Lowers changed behind the union's back give the new content or a clean
# error, never a crash; unmount still works.
. /tests/lib.sh
. /tests/guest/union-lib.sh

std_layers
printf '#!/bin/sh\necho ran\n' > "$T/l1/prog"
chmod 755 "$T/l1/prog"
M=$T/m
lmount "$M" "lowerdir=$T/l1:$T/l2:$T/l3"
# populate caches
find "$M" > /dev/null
cat "$M/f" "$M/d/a" > /dev/null
assert_eq "$("$M/prog")" ran "a lower program runs"

# the real inode is checked too, not only the union's cached copy of its
# attributes: without its x bits below, the program no longer runs
chmod 644 "$T/l1/prog"
"$M/prog" > /dev/null 2>&1 && fail "a lower program ran after chmod -x below"

# content changed in place: visible at once
echo changed > "$T/l1/f"
assert_eq "$(content "$M/f")" changed "in-place change"

# file removed from the top layer: the next lookup sees the one below
# (the unlinked real dentry invalidates the union's, layerfs.rst)
rm "$T/l1/f"
assert_eq "$(content "$M/f")" mid "after removing the top file"
echo 2 > /proc/sys/vm/drop_caches
assert_eq "$(content "$M/f")" mid "after removal and cache drop"

# file replaced by a directory
rm "$T/l2/only2"
mkdir "$T/l2/only2"
echo in > "$T/l2/only2/x"
assert_eq "$(content "$M/only2/x")" in "file replaced by a dir"
[ -d "$M/only2" ] || fail "the replacing dir is not a dir in the union"

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
# either may fail or list nothing: what matters is no crash
ls "$M/deep/er" > /dev/null 2>&1 || true
ls "$M/deep" > /dev/null 2>&1 || true
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

# a deeper layer's part of a merged directory removed: each walk checks
# only the layer that gave the directory (its top), so the union may show
# the old state or fail cleanly until its dentry goes (layerfs.rst)
assert_eq "$(names "$M/d")" "b c" "merged dir before a deeper part goes"
rm -rf "$T/l3/d"
ls "$M/d" > /dev/null 2>&1 || true
cat "$M/d/b" "$M/d/c" > /dev/null 2>&1 || true
echo 2 > /proc/sys/vm/drop_caches
assert_eq "$(names "$M/d")" "b" "merged dir after a deeper part went, and a cache drop"
assert_eq "$(content "$M/d/b")" b2 "the rest of the merged dir"

# heavy churn below while readers walk the union
churn_below "$T/l2" "$M"
lumount "$M"
