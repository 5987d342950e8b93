# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the layerfs union tests; source after /tests/lib.sh.

# whiteout PATH: an overlayfs whiteout (character device 0:0)
whiteout() {
	mknod "$1" c 0 0 || fail "mknod whiteout $1"
}

# opaque DIR: mark a directory opaque
opaque() {
	setfattr -n trusted.overlay.opaque -v y "$1" || fail "opaque $1"
}

# scratch_disk DIR: an ext2/ext4 filesystem on the scratch disk, mounted on
# DIR (lib.sh's scratch_ext4 needs e2fsprogs; busybox mke2fs makes ext2)
scratch_disk() {
	[ -b /dev/vda ] || skip "no scratch disk /dev/vda"
	mke2fs -F /dev/vda > /dev/null 2>&1 || fail "mke2fs /dev/vda"
	mkdir -p "$1"
	mount -t ext4 /dev/vda "$1" 2>/dev/null ||
		mount -t ext2 /dev/vda "$1" || fail "mount /dev/vda on $1"
}

# lmount MNT OPTIONS: mount layerfs read-only from lowers, or fail
lmount() {
	mkdir -p "$1"
	mount -t layerfs layerfs "$1" -o "$2" || fail "mount layerfs -o $2"
}

# lumount MNT
lumount() {
	umount "$1" || fail "umount $1"
}

# names DIR: the sorted names in DIR, one line, space separated
names() {
	ls -A "$1" | sort | tr '\n' ' ' | sed 's/ $//'
}

# content FILE: the file's content, or "<absent>" when it cannot be read
content() {
	cat "$1" 2>/dev/null || echo "<absent>"
}

# std_layers: three lowers in $T/l1 (top) .. $T/l3 (bottom) with the
# cases every union test cares about:
#   f           file in all three (l1 wins)
#   only2       file only in l2
#   wh          file in l3, whited out in l2
#   d/          merged dir: a (l1), b (l2), c (l3), gone (whited out)
#   o/          opaque in l2: x shown, l3's y hidden
#   fd          file in l1 over a directory in l2
#   df/         dir in l1 over a file in l2 over a dir in l3: only x
#   deep/er/    directory only in l3
std_layers() {
	mkdir -p "$T/l1" "$T/l2" "$T/l3"
	echo top > "$T/l1/f"
	echo mid > "$T/l2/f"
	echo bottom > "$T/l3/f"
	echo two > "$T/l2/only2"
	echo three > "$T/l3/wh"
	whiteout "$T/l2/wh"
	# merged directory across all layers
	mkdir -p "$T/l1/d" "$T/l2/d" "$T/l3/d"
	echo a1 > "$T/l1/d/a"
	echo b2 > "$T/l2/d/b"
	echo c3 > "$T/l3/d/c"
	echo hidden > "$T/l3/d/gone"
	whiteout "$T/l1/d/gone"
	# opaque directory in l2 hides l3's contents
	mkdir -p "$T/l2/o" "$T/l3/o"
	echo visible > "$T/l2/o/x"
	echo hidden > "$T/l3/o/y"
	opaque "$T/l2/o"
	# file in l1 covers a directory in l2
	echo file > "$T/l1/fd"
	mkdir -p "$T/l2/fd"
	echo under > "$T/l2/fd/z"
	# directory in l1 covers a file in l2 and a dir in l3: no merge below
	mkdir -p "$T/l1/df" "$T/l3/df"
	echo x > "$T/l1/df/x"
	echo f > "$T/l2/df"
	echo never > "$T/l3/df/never"
	# directory only in l3 (passed through)
	mkdir -p "$T/l3/deep/er"
	echo deep > "$T/l3/deep/er/file"
}

# many_layers N DIR: N lowers DIR/1 (top) .. DIR/N, each with its own file
# "own", a file "common" (content = layer number; layer 1 wins), a merged
# directory "d" with entry e<i>, and in every fifth layer a whiteout that
# hides the next layer's entry d/e<i+1>. Prints the lowerdir= value
# (relative to DIR).
many_layers() {
	n=$1 dir=$2
	mkdir -p "$dir"
	(cd "$dir" && mkdir $(seq 1 "$n")) || fail "mkdir layers"
	opt=
	for i in $(seq 1 "$n"); do
		mkdir "$dir/$i/d" "$dir/$i/own$i"
		echo "$i" > "$dir/$i/common"
		echo "$i" > "$dir/$i/d/e$i"
		[ $((i % 5)) -eq 0 ] && [ "$i" -lt "$n" ] &&
			mknod "$dir/$i/d/e$((i + 1))" c 0 0
		opt="$opt${opt:+:}$i"
	done
	echo "$opt"
}

# check_many N MNT: what many_layers promises, seen through MNT
check_many() {
	n=$1 m=$2
	assert_eq "$(content "$m/common")" 1 "topmost of $n layers wins"
	assert_eq "$(ls "$m" | grep -c '^own')" "$n" "own dirs of $n layers"
	hidden=$(( (n - 1) / 5 ))
	assert_eq "$(ls "$m/d" | wc -l)" $((n - hidden)) "merged entries of $n layers"
	assert_eq "$(content "$m/d/e$n")" "$n" "entry of the bottom layer"
	[ -e "$m/d/e6" ] && fail "whiteout in layer 5 ignored"
	assert_eq "$(stat -c %h "$m/d")" 2 "merged dir without subdirs"
	assert_eq "$(stat -c %h "$m")" $((n + 3)) "root nlink: own dirs + d + 2"
}

# ino_snapshot MNT: "PATH INO" for every object under MNT, sorted
ino_snapshot() {
	(cd "$1" && find . | sort | while read -r p; do
		echo "$p $(stat -c %i "$p")"
	done)
}

# check_dino MNT DIR...: d_ino equals st_ino for every entry of each DIR
# (relative to MNT), "." and ".." included except ".." of the root
check_dino() {
	cm=$1
	shift
	for cd in "$@"; do
		dirents "$cm/$cd" | while read -r name ino type; do
			[ "$cd/$name" = "./.." ] && continue
			st=$(stat -c %i "$cm/$cd/$name")
			[ "$ino" = "$st" ] ||
				fail "d_ino $ino != st_ino $st for $cd/$name"
		done || exit 1
	done
}
