#!/bin/sh
# timeout: 240
# The same lowers through layerfs and through overlayfs
# (redirect_dir=off,index=off,xino=off,metacopy=off) show the same tree:
# names, type, mode, owner, size, mtime, link target, device numbers,
# content and xattrs of every path. st_dev, st_ino, atime and the link
# count of merged directories are not compared, nor what tests/deviations
# lists.
. /tests/lib.sh
. /tests/guest/union-lib.sh

need_overlay
DEV=/tests/deviations
[ -r $DEV ] || fail "no $DEV"
deviation() { grep -q "^$1 " $DEV; }

# lowers on a noatime tmpfs
S=$T/store
mkdir -p "$S"
mount -t tmpfs -o noatime tmpfs "$S" || fail "tmpfs for the lowers"
for i in 1 2 3 4; do mkdir -p "$S/l$i"; done
L1=$S/l1 L2=$S/l2 L3=$S/l3 L4=$S/l4

mk() { # mk FILE CONTENT MODE OWNER
	mkdir -p "$(dirname "$1")"
	echo "$2" > "$1"
	chmod "$3" "$1"
	chown "$4" "$1"
	touch -d "2020-01-0${5:-1} 10:00:00" "$1"
}
# files in several layers with different metadata
mk "$L1/f" one 640 1:2 1
mk "$L2/f" two 644 3:4 2
mk "$L4/f" four 600 5:6 3
mk "$L3/only3" three 755 0:0 4
mk "$L4/dir/a" a 644 0:0
mk "$L3/dir/b" b 600 7:7
mk "$L2/dir/c" c 444 0:0
mk "$L1/dir/d" d 666 0:0
mk "$L4/dir/gone" gone 644 0:0
whiteout "$L2/dir/gone"
mk "$L4/dir/sub/deep" deep 644 0:0
mk "$L3/dir/sub/mid" mid 644 0:0
# whiteout of a whole directory, then recreated as opaque above
mk "$L4/wd/x" x 644 0:0
whiteout "$L3/wd"
mk "$L4/op/hidden" h 644 0:0
mk "$L3/op/shown" s 644 0:0
opaque "$L3/op"
mk "$L2/op/top" t 644 0:0
# directory replaced by a file and back
mk "$L4/flip/under" u 644 0:0
mk "$L3/flip" file 644 0:0
mkdir -p "$L2/flip"
mk "$L2/flip/over" o 644 0:0
mk "$L4/flop" file 644 0:0
mkdir -p "$L3/flop"
mk "$L3/flop/in" i 644 0:0
mk "$L2/flop" file-again 600 0:0
# every file type
ln -s f "$L2/rel"
ln -s /etc/passwd "$L3/abs"
ln -s nowhere "$L4/dangling"
mkfifo "$L3/fifo"
mknod "$L2/chr" c 1 7
mknod "$L4/blk" b 8 3
tryop mksock "$L4/sock" > /dev/null
mk "$L3/hl" hard 644 0:0
ln "$L3/hl" "$L3/hl2"
# xattrs, private ones included
setfattr -n trusted.tag -v first "$L1/f"
setfattr -n trusted.tag -v second "$L2/f"
setfattr -n trusted.mine -v t "$L3/only3"
setfattr -n trusted.overlay.origin -v x "$L3/only3"
setfattr -n trusted.dir -v top "$L1/dir"
# a whiteout inside a single-layer directory
mk "$L4/solo/keep" k 644 0:0
whiteout "$L4/solo/wh"
# empty and permission-restricted directories
mkdir -p "$L2/empty" "$L3/empty"
mkdir -p "$L1/locked"
mk "$L1/locked/secret" s 600 0:0
chmod 700 "$L1/locked"
touch -d "2021-02-03 04:05:06" "$L1/dir" "$L1" "$L3/op"

O=$T/ovl
M=$T/lfs
mkdir -p "$O" "$M"
mount -t overlay overlay "$O" -o \
	"lowerdir=$L1:$L2:$L3:$L4,redirect_dir=off,index=off,xino=off,metacopy=off" ||
	fail "mount overlayfs"
lmount "$M" "lowerdir=$L1:$L2:$L3:$L4"

# describe ROOT: one line per path
describe() {
	# find fails on what it cannot stat: those paths are recorded below
	(cd "$1" && { find . 2>/dev/null || true; } | sort | while read -r p; do
		if ! st=$(stat -c '%F %a %u:%g %s %Y' "$p" 2>/dev/null); then
			echo "$p UNSTATABLE"
			continue
		fi
		extra=
		case "$st" in
		"symbolic link"*) extra=$(readlink "$p") ;;
		"regular file"*) extra=$(md5sum < "$p" | cut -d' ' -f1) ;;
		"character special"*|"block special"*) extra=$(stat -c %t:%T "$p") ;;
		directory*) st=$(stat -c '%F %a %u:%g %Y' "$p") ;;
		esac
		x=$(getfattr -h -d -m - "$p") || fail "getfattr $1/$p"
		x=$(printf '%s\n' "$x" | sed '/^#/d;/^$/d' | sort | tr '\n' ';')
		echo "$p $st [$extra] {$x}"
	done)
}
describe "$O" > "$T/ovl.txt"
describe "$M" > "$T/lfs.txt"
n=$(wc -l < "$T/lfs.txt")
[ "$n" -gt 25 ] || { cat "$T/lfs.txt"; fail "suspiciously small tree: $n paths"; }

# a whiteout in a single-layer directory: layerfs never lists it; an
# overlayfs that lists it (a 0:0 device it cannot stat) is the listed
# deviation (find skips what it cannot stat: getdents tells)
lfs_ents=$(dirents "$M/solo") || fail "getdents of layerfs's solo"
ovl_ents=$(dirents "$O/solo") || fail "getdents of overlayfs's solo"
! printf '%s\n' "$lfs_ents" | grep '^wh ' > /dev/null ||
	fail "layerfs lists the whiteout of a single-layer directory"
if printf '%s\n' "$ovl_ents" | grep '^wh ' > /dev/null; then
	deviation readdir_whiteout_single_layer ||
		fail "overlayfs lists solo/wh, layerfs does not: not in $DEV"
	! stat "$O/solo/wh" > /dev/null 2>&1 || fail "overlayfs's solo/wh is statable"
	log "overlayfs lists the single-layer whiteout (deviation readdir_whiteout_single_layer)"
else
	log "overlayfs does not list the single-layer whiteout either"
fi
grep -q ' UNSTATABLE$' "$T/ovl.txt" "$T/lfs.txt" && fail "a listed path cannot be stat'ed"
if ! cmp -s "$T/ovl.txt" "$T/lfs.txt"; then
	diff "$T/ovl.txt" "$T/lfs.txt" | head -n 30 || true
	fail "layerfs and overlayfs differ"
fi
# the interesting cases really are in the tree
grep -q '^./dir/gone ' "$T/lfs.txt" && fail "whiteout ignored by both"
grep -q '^./op/shown .*\[.*\]' "$T/lfs.txt" || fail "opaque dir content missing"
grep -q '^./flip/over ' "$T/lfs.txt" || fail "flip case missing"
grep -q '^./flop regular file 600' "$T/lfs.txt" || fail "flop case missing"
grep -q 'trusted.tag="first"' "$T/lfs.txt" || fail "xattr missing"

# the merged directory link count: equal, or the listed deviation
# (layerfs: 2 plus the merged subdirectories; overlayfs: 1)
if deviation nlink_merged_dir; then
	subdirs=$(find "$M/dir" -mindepth 1 -maxdepth 1 -type d | wc -l)
	assert_eq "$subdirs" 1 "subdirectories of the merged dir"
	assert_eq "$(stat -c %h "$M/dir")" $((2 + subdirs)) "layerfs merged dir nlink"
	assert_eq "$(stat -c %h "$O/dir")" 1 "overlayfs merged dir nlink"
else
	assert_eq "$(stat -c %h "$M/dir")" "$(stat -c %h "$O/dir")" "merged dir nlink"
fi

umount "$O" || fail "umount overlayfs"
lumount "$M"
umount "$S"
