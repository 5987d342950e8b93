#!/bin/sh
# Namespace operations with an upper: create, mkdir, unlink and rmdir with
# whiteouts, mkdir over a whiteout makes an opaque dir, rename rules.
. /tests/lib.sh
. /tests/guest/union-lib.sh

std_layers
U=$T/u W=$T/w M=$T/m
mkdir -p "$U" "$W"
lmount "$M" "lowerdir=$T/l1:$T/l2:$T/l3,upperdir=$U,workdir=$W"

echo hello > "$M/new"
assert_eq "$(cat "$U/new")" hello "new file in upper"
mkdir "$M/nd"
[ -d "$U/nd" ] || fail "mkdir"
ln -s new "$M/sl"
assert_eq "$(readlink "$U/sl")" new "symlink"
mkfifo "$M/pf"
assert_eq "$(stat -c %F "$U/pf")" fifo "mkfifo in upper"
assert_eq "$(tryop mknod "$M/nd/cdev")" OK "mknod 1:3"
# 0:0 devices are refused
mknod "$M/wh0" c 0 0 2>/dev/null && fail "mknod of a whiteout allowed"
ln "$M/new" "$M/hard"
assert_eq "$(stat -c %h "$M/new")" 2 "hard link count"
# removing the second name of a link pair leaves the first intact
ln "$M/new" "$M/hard2"
rm "$M/hard2" || fail "unlink of a second hard link"
assert_eq "$(cat "$M/new")" hello "first name after unlinking the second"
[ -e "$U/hard2" ] && fail "unlinked hard link left in upper"

# unlink of a lower file leaves a whiteout
rm "$M/f"
[ -e "$M/f" ] && fail "unlinked file still visible"
assert_eq "$(stat -c %t:%T "$U/f")" "0:0" "whiteout in upper"
# unlink of a pure upper file leaves nothing
rm "$M/new"
[ -e "$U/new" ] && fail "pure upper file left behind"
assert_eq "$(stat -c %h "$M/hard")" 1 "link count after unlink"
# rmdir of a merged dir: ENOTEMPTY while entries show, fine when empty
assert_eq "$(tryop rmdir "$M/d")" ENOTEMPTY "rmdir of a non-empty merged dir"
rm "$M/d/a" "$M/d/b" "$M/d/c"
assert_eq "$(names "$M/d")" "" "emptied merged dir"
rmdir "$M/d" || fail "rmdir of an emptied merged dir"
[ -e "$M/d" ] && fail "removed dir visible"
assert_eq "$(stat -c %t:%T "$U/d")" "0:0" "whiteout for the dir"
# mkdir over the whiteout: opaque, lower entries stay hidden
mkdir "$M/d"
assert_eq "$(names "$M/d")" "" "new dir over a whiteout is empty"
assert_eq "$(getfattr -n trusted.overlay.opaque --only-values "$U/d" 2>/dev/null)" y \
	"opaque xattr"
# and so it stays when looked up afresh (the upper's opaque xattr read)
lumount "$M"
lmount "$M" "lowerdir=$T/l1:$T/l2:$T/l3,upperdir=$U,workdir=$W"
assert_eq "$(names "$M/d")" "" "opaque dir over a whiteout after a remount"
# file over a whiteout
echo again > "$M/f"
assert_eq "$(cat "$M/f")" again "file over a whiteout"
# rename of a file across directories: whiteout at the source
mv "$M/only2" "$M/nd/moved"
[ -e "$M/only2" ] && fail "rename source still visible"
assert_eq "$(cat "$M/nd/moved")" two "rename target"
# a directory renamed onto a whited-out name, from a name that needs a
# whiteout itself (an opaque dir that replaced a lower one) and from one
# that does not
rm -r "$M/o"
mkdir "$M/o"
echo in > "$M/o/in"
rm "$M/fd"
mv "$M/o" "$M/fd" || fail "dir over a whiteout, whiteout at the source"
assert_eq "$(cat "$M/fd/in")" in "moved dir content"
[ -e "$M/o" ] && fail "source of the move still visible"
assert_eq "$(stat -c %t:%T "$U/o")" "0:0" "whiteout left at the source"
mkdir "$M/pure"
rm "$M/deep/er/file"
mv "$M/pure" "$M/deep/er/file" || fail "dir over a whiteout, plain source"
[ -d "$M/deep/er/file" ] || fail "moved dir missing"
[ -e "$U/pure" ] && fail "pure upper source left something behind"
# rename of a directory from a lower layer: EXDEV
assert_eq "$(tryop rename "$M/deep" "$M/deep2")" EXDEV "rename of a lower dir"
# pure upper directory renames fine, also into a merged dir
mkdir -p "$M/nd/sub"
echo x > "$M/nd/sub/x"
mv "$M/nd" "$M/deep/nd2" || fail "rename of an upper dir"
assert_eq "$(cat "$M/deep/nd2/sub/x")" x "moved dir content"
# RENAME_WHITEOUT from user space is refused (as by overlayfs), and
# leaves both names as they were
echo rw > "$M/rw"
assert_eq "$(tryop rename_whiteout "$M/rw" "$M/rw2")" EINVAL "RENAME_WHITEOUT"
assert_eq "$(cat "$M/rw")" rw "source of a refused RENAME_WHITEOUT"
[ -e "$M/rw2" ] && fail "target of a refused RENAME_WHITEOUT exists"
assert_eq "$(names "$U" | grep -c rw2)" 0 "no upper entry for a refused RENAME_WHITEOUT"
# private xattrs stay out of reach
assert_eq "$(tryop getxattr "$M/deep" trusted.overlay.opaque)" EOPNOTSUPP "private xattr"
assert_eq "$(tryop setxattr "$M/deep" trusted.overlay.opaque)" EOPNOTSUPP "set private xattr"
assert_eq "$(names "$W/work")" "" "work directory empty"
lumount "$M"
# a second mount of the same upper or workdir is refused
lmount "$M" "lowerdir=$T/l1,upperdir=$U,workdir=$W"
mkdir -p "$T/w2" "$T/u2" "$T/m2"
assert_eq "$(outcome fsmnt -m "$T/m2" "lowerdir=$T/l2,upperdir=$U,workdir=$T/w2" 2>&1)" \
	EBUSY "upperdir in use"
assert_eq "$(outcome fsmnt -m "$T/m2" "lowerdir=$T/l2,upperdir=$T/u2,workdir=$W" 2>&1)" \
	EBUSY "workdir in use"
lumount "$M"
