#!/bin/sh
# st_ino: the real inode number on a single-filesystem union, stable across
# lookups, cache drops and remounts, unique within the mount; st_dev is the
# union's for every object; d_ino equals st_ino in every directory.
. /tests/lib.sh
. /tests/guest/union-lib.sh

std_layers
echo linked > "$T/l2/hl"
ln "$T/l2/hl" "$T/l2/hl2"
M=$T/m
lmount "$M" "lowerdir=$T/l1:$T/l2:$T/l3"
ino_stable "$M" "lowerdir=$T/l1:$T/l2:$T/l3"

# unique: one number per object (the two hard links are one object)
ino_unique "$T/ino.1" 1

# single filesystem: the topmost real object's number
assert_eq "$(stat -c %i "$M/f")" "$(stat -c %i "$T/l1/f")" "file from l1"
assert_eq "$(stat -c %i "$M/only2")" "$(stat -c %i "$T/l2/only2")" "file from l2"
assert_eq "$(stat -c %i "$M/d")" "$(stat -c %i "$T/l1/d")" "merged dir"
assert_eq "$(stat -c %i "$M/deep/er")" "$(stat -c %i "$T/l3/deep/er")" "one-layer dir"
assert_eq "$(stat -c %i "$M")" "$(stat -c %i "$T/l1")" "root"

# st_dev: the union's own device, for every object
dev=$(stat -c %d "$M")
[ "$dev" = "$(stat -c %d "$T/l1")" ] && fail "st_dev is the lower's"
(cd "$M" && find . | while read -r p; do stat -c %d "$p"; done) |
	sort -u > "$T/devs"
assert_eq "$(cat "$T/devs")" "$dev" "st_dev of every object"

# d_ino == st_ino in every directory, "." and ".." included
dirs=$(cd "$M" && find . -type d)
# shellcheck disable=SC2086 # one argument per directory (no blanks in names)
check_dino "$M" $dirs

# merged directories count their subdirectories in the link count
mkdir -p "$T/l1/d/s1" "$T/l2/d/s2" "$T/l3/d/s1"
lumount "$M"
lmount "$M" "lowerdir=$T/l1:$T/l2:$T/l3"
assert_eq "$(stat -c %h "$M/d")" 4 "nlink of a merged dir with 2 subdirs"
lumount "$M"
