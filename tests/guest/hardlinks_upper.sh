#!/bin/sh
# Hard links through the mount: every name of a multiply-linked file is
# its own entry. Unlinking or renaming one name acts on that name, in a
# pure-upper directory and for a lower file linked after its copy-up.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l/low" "$T/u" "$T/w" "$T/m"
echo lower > "$T/l/low/f"
mount -t layerfs layerfs "$T/m" -o "lowerdir=$T/l,upperdir=$T/u,workdir=$T/w" ||
	fail "mount"
M=$T/m

# pure upper: three names, remove them one by one
mkdir "$M/x"
echo a > "$M/x/a"
must ln "$M/x/a" "$M/x/b"
must ln "$M/x/a" "$M/x/c"
assert_eq "$(stat -c %h "$M/x/b")" 3 "nlink after two links"
must rm "$M/x/a"
assert_eq "$(names "$M/x")" "b c" "names after unlinking a"
assert_eq "$(names "$T/u/x")" "b c" "upper names after unlinking a"
assert_eq "$(content "$M/x/b")" a "content through b"
must rm "$M/x/c"
assert_eq "$(names "$M/x")" "b" "names after unlinking c"
must mv "$M/x/b" "$M/x/d"
assert_eq "$(names "$M/x")" "d" "names after renaming b"
must rm "$M/x/d"
must rmdir "$M/x"

# a lower file: link copies it up, then both names work on their own
must ln "$M/low/f" "$M/low/g"
assert_eq "$(stat -c %h "$M/low/f")" 2 "nlink of a linked lower file"
echo more >> "$M/low/g"
assert_eq "$(content "$M/low/f")" "lower
more" "write through the new name, read through the old"
must rm "$M/low/f"
assert_eq "$(names "$M/low")" "g" "names after unlinking the lower name"
[ -c "$T/u/low/f" ] || fail "no whiteout for the lower name"
assert_eq "$(content "$M/low/g")" "lower
more" "content after unlinking the other name"
umount "$M" || fail "umount"
