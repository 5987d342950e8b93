#!/bin/sh
# timeout: 60
# A mkdir the upper filesystem refuses (no inode left: ENOSPC) fails with
# that error, and the upper directory stays usable: names in it can be
# removed, made and listed afterwards, and the mount unmounts. (7.3's
# vfs_mkdir() unlocks the parent and drops the dentry when it fails; the
# module must neither unlock that directory twice nor drop its dentry
# twice: either hangs or breaks the next change in the directory.)
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l/d" "$T/s" "$T/m"
echo x > "$T/l/d/x"
mount -t tmpfs -o size=1m,nr_inodes=12 tmpfs "$T/s" || fail "small tmpfs"
mkdir -p "$T/s/u/sub" "$T/s/w"
lmount "$T/m" "lowerdir=$T/l,upperdir=$T/s/u,workdir=$T/s/w"
M=$T/m

# use up the inodes with files in the union's root
n=0
while [ $n -lt 30 ] && touch "$M/f$n" 2> /dev/null; do
	n=$((n + 1))
done
[ $n -gt 1 ] || fail "no file fits in the upper ($n)"
[ $n -lt 30 ] || fail "the upper took 30 files with 12 inodes"
for dir in "$M" "$M/sub" "$M/d"; do
	for i in 1 2 3; do
		r=$(mkdir "$dir/new$i" 2>&1) && fail "mkdir $dir/new$i in a full upper succeeded"
		case $r in
		*"No space left"*) ;;
		*) fail "mkdir $dir/new$i in a full upper: $r" ;;
		esac
	done
done

# the directories are still usable
must rm "$M/f0"
must mkdir "$M/new"
must rm "$M/f1"
must mkdir "$M/sub/new"
assert_eq "$(count "$M" '^f')" $((n - 2)) "files left in the root"
assert_eq "$(names "$M/sub")" "new" "sub/ after the failures"
must rmdir "$M/new" "$M/sub/new"
must rm "$M/f2"
# d/ comes from the lower: its upper copy is made on the way
must mkdir "$M/d/new"
assert_eq "$(names "$M/d")" "new x" "d/ after the failures"
assert_eq "$(names "$T/s/u/d")" "new" "d/ in the upper"
lumount "$M"
umount "$T/s" || fail "umount the upper's tmpfs"
