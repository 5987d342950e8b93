# SPDX-License-Identifier: GPL-2.0
#
# shellcheck shell=sh
# Helpers for the layerfs union tests; source after /tests/lib.sh. Each
# checks its own steps (set -e does not reach into a helper called from a
# condition).

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
	[ -b /dev/vda ] || fail "no scratch disk /dev/vda (vm/run.sh provides one)"
	mke2fs -F /dev/vda > /dev/null 2>&1 || fail "mke2fs /dev/vda"
	mkdir -p "$1"
	mount -t ext4 /dev/vda "$1" 2>/dev/null ||
		mount -t ext2 /dev/vda "$1" || fail "mount /dev/vda on $1"
}

# lmount MNT OPTIONS: mount layerfs read-only from lowers, or fail;
# $LFS_MOUNT_OPTS, if set, is added to OPTIONS (immutable_lowers.sh)
lmount() {
	mkdir -p "$1"
	mount -t layerfs layerfs "$1" -o "$2${LFS_MOUNT_OPTS:+,$LFS_MOUNT_OPTS}" ||
		fail "mount layerfs -o $2${LFS_MOUNT_OPTS:+,$LFS_MOUNT_OPTS}"
}

# mount_fails MNT OPTIONS ERRNO LOGPATTERN: mount(2) of layerfs on MNT
# with OPTIONS fails with ERRNO, and the kernel log gains a line matching
# LOGPATTERN
mount_fails() {
	mkdir -p "$1" || fail "mkdir $1"
	_before=$(dmesg | wc -l) || fail "dmesg"
	_got=$(outcome fsmnt -m "$1" "$2")
	assert_eq "$_got" "$3" "errno for -o '$2'"
	dmesg | tail -n +$((_before + 1)) | grep "layerfs: .*$4" > /dev/null ||
		fail "no log line matching '$4' for -o '$2'"
	! grep -q " $1 layerfs " /proc/mounts || fail "mounted despite -o '$2'"
}

# lumount MNT
lumount() {
	umount "$1" || fail "umount $1"
}

# churn_below LOWER MNT: make and remove directories LOWER/churn/N while
# readers walk the union at MNT; names vanish under the walkers, so errors
# are expected, crashes not
churn_below() {
	(for i in $(seq 1 30); do
		mkdir -p "$1/churn/$i"; echo "$i" > "$1/churn/$i/f"
		rm -rf "$1/churn/$((i - 1))"
	done) &
	for i in $(seq 1 30); do
		find "$2" > /dev/null 2>&1 || true
		cat "$2"/churn/*/f > /dev/null 2>&1 || true
	done
	wait
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
	{ mkdir -p "$T/l1" "$T/l2" "$T/l3" &&
	echo top > "$T/l1/f" &&
	echo mid > "$T/l2/f" &&
	echo bottom > "$T/l3/f" &&
	echo two > "$T/l2/only2" &&
	echo three > "$T/l3/wh" &&
	whiteout "$T/l2/wh" &&
	# merged directory across all layers
	mkdir -p "$T/l1/d" "$T/l2/d" "$T/l3/d" &&
	echo a1 > "$T/l1/d/a" &&
	echo b2 > "$T/l2/d/b" &&
	echo c3 > "$T/l3/d/c" &&
	echo hidden > "$T/l3/d/gone" &&
	whiteout "$T/l1/d/gone" &&
	# opaque directory in l2 hides l3's contents
	mkdir -p "$T/l2/o" "$T/l3/o" &&
	echo visible > "$T/l2/o/x" &&
	echo hidden > "$T/l3/o/y" &&
	opaque "$T/l2/o" &&
	# file in l1 covers a directory in l2
	echo file > "$T/l1/fd" &&
	mkdir -p "$T/l2/fd" &&
	echo under > "$T/l2/fd/z" &&
	# directory in l1 covers a file in l2 and a dir in l3: no merge below
	mkdir -p "$T/l1/df" "$T/l3/df" &&
	echo x > "$T/l1/df/x" &&
	echo f > "$T/l2/df" &&
	echo never > "$T/l3/df/never" &&
	# directory only in l3 (passed through)
	mkdir -p "$T/l3/deep/er" &&
	echo deep > "$T/l3/deep/er/file"; } ||
		fail "std_layers"
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
		{ mkdir "$dir/$i/d" "$dir/$i/own$i" &&
		echo "$i" > "$dir/$i/common" &&
		echo "$i" > "$dir/$i/d/e$i"; } || fail "many_layers: layer $i"
		if [ $((i % 5)) -eq 0 ] && [ "$i" -lt "$n" ]; then
			whiteout "$dir/$i/d/e$((i + 1))"
		fi
		opt="$opt${opt:+:}$i"
	done
	echo "$opt"
}

# check_many N MNT: what many_layers promises, seen through MNT
check_many() {
	n=$1 m=$2
	assert_eq "$(content "$m/common")" 1 "topmost of $n layers wins"
	assert_eq "$(count "$m" '^own')" "$n" "own dirs of $n layers"
	hidden=$(( (n - 1) / 5 ))
	assert_eq "$(count "$m/d")" $((n - hidden)) "merged entries of $n layers"
	assert_eq "$(content "$m/d/e$n")" "$n" "entry of the bottom layer"
	[ -e "$m/d/e6" ] && fail "whiteout in layer 5 ignored"
	assert_eq "$(stat -c %h "$m/d")" 2 "merged dir without subdirs"
	assert_eq "$(stat -c %h "$m")" $((n + 3)) "root nlink: own dirs + d + 2"
}

# ino_snapshot MNT: "PATH INO" for every object under MNT, sorted
ino_snapshot() {
	_paths=$(cd "$1" && find .) || fail "ino_snapshot: find in $1"
	printf '%s\n' "$_paths" | sort | while read -r p; do
		_ino=$(stat -c %i "$1/$p") || fail "ino_snapshot: stat $1/$p"
		echo "$p $_ino"
	done
}

# ino_stable MNT OPTIONS: the st_ino of every object under the layerfs
# mount MNT (of OPTIONS) is the same on a second lookup, after a cache
# drop and after a remount; the first snapshot is left in $T/ino.1
ino_stable() {
	ino_snapshot "$1" > "$T/ino.1" || fail "ino_snapshot $1"
	ino_snapshot "$1" > "$T/ino.2" || fail "ino_snapshot $1"
	cmp -s "$T/ino.1" "$T/ino.2" || fail "st_ino changed between lookups"
	echo 3 > /proc/sys/vm/drop_caches || fail "drop_caches"
	ino_snapshot "$1" > "$T/ino.3" || fail "ino_snapshot $1"
	cmp -s "$T/ino.1" "$T/ino.3" || fail "st_ino changed after drop_caches"
	lumount "$1"
	lmount "$1" "$2"
	ino_snapshot "$1" > "$T/ino.4" || fail "ino_snapshot $1"
	cmp -s "$T/ino.1" "$T/ino.4" || fail "st_ino changed across a remount"
}

# ino_unique SNAPSHOT LINKS: the numbers of an ino_snapshot are distinct
# but for LINKS extra hard links
ino_unique() {
	_n=$(wc -l < "$1") || fail "ino_unique: $1"
	_u=$(awk '{print $2}' "$1" | sort -u | wc -l) || fail "ino_unique: $1"
	assert_eq "$_u" $((_n - $2)) "distinct st_ino among $_n paths with $2 extra hard links"
}

# check_dino MNT DIR...: d_ino equals st_ino for every entry of each DIR
# (relative to MNT), "." and ".." included except ".." of the root
check_dino() {
	cm=$1
	shift
	for cd in "$@"; do
		_ents=$(dirents "$cm/$cd") || fail "check_dino: dirents $cm/$cd"
		printf '%s\n' "$_ents" | grep '^\. ' > /dev/null ||
			fail "check_dino: no '.' in $cm/$cd"
		printf '%s\n' "$_ents" | while read -r name ino _; do
			[ "$cd/$name" = "./.." ] && continue
			st=$(stat -c %i "$cm/$cd/$name") ||
				fail "check_dino: stat $cd/$name"
			[ "$ino" = "$st" ] ||
				fail "d_ino $ino != st_ino $st for $cd/$name"
		done
	done
}

# need_overlay: overlayfs is there (vm/init loads it), or the test fails
need_overlay() {
	grep -qw overlay /proc/filesystems ||
		fail "overlayfs not available (vm/mkinitramfs.sh loads it)"
}

# diff_setup: overlayfs loaded, a tmpfs at S=$T/s holding the
# lowers of diff_layers, for the tests that compare layerfs with overlayfs
diff_setup() {
	need_overlay
	S=$T/s
	mkdir -p "$S"
	mount -t tmpfs -o noatime tmpfs "$S" || fail "tmpfs for the lowers"
	diff_layers "$S"
}

# diff_omount MNT UPPER WORK: overlayfs over the lowers of diff_setup, with
# the features off that layerfs does not have (its on-disk format is then
# layerfs's)
diff_omount() {
	mkdir -p "$1" "$2" "$3"
	mount -t overlay overlay "$1" -o "lowerdir=$S/l1:$S/l2:$S/l3,upperdir=$2,workdir=$3,redirect_dir=off,index=off,xino=off,metacopy=off" ||
		fail "mount overlayfs on $1 (upper $2)"
}

# diff_lmount MNT UPPER WORK: layerfs over the lowers of diff_setup
diff_lmount() {
	mkdir -p "$2" "$3"
	lmount "$1" "lowerdir=$S/l1:$S/l2:$S/l3,upperdir=$2,workdir=$3"
}

# diff_layers S: three lowers S/l1 (top) .. S/l3 with every kind of entry
# the differential tests touch
diff_layers() {
	s=$1
	{ mkdir -p "$s/l1" "$s/l2" "$s/l3" &&
	echo one > "$s/l1/f" &&
	echo two > "$s/l2/f" &&
	echo two > "$s/l2/only2" &&
	echo three > "$s/l3/wh" &&
	mknod "$s/l2/wh" c 0 0 &&
	mkdir -p "$s/l1/d" "$s/l2/d" "$s/l3/d" "$s/l2/o" "$s/l3/o" &&
	echo a > "$s/l1/d/a" &&
	echo b > "$s/l2/d/b" &&
	echo c > "$s/l3/d/c" &&
	echo gone > "$s/l3/d/gone" &&
	mknod "$s/l1/d/gone" c 0 0 &&
	echo x > "$s/l2/o/x" &&
	echo y > "$s/l3/o/y" &&
	setfattr -n trusted.overlay.opaque -v y "$s/l2/o" &&
	echo file > "$s/l1/fd" &&
	mkdir -p "$s/l2/fd" &&
	echo z > "$s/l2/fd/z" &&
	mkdir -p "$s/l3/deep/er" &&
	echo deep > "$s/l3/deep/er/file" &&
	ln -s f "$s/l2/lnk" &&
	ln -s nowhere "$s/l3/dangling" &&
	mkfifo "$s/l3/fifo" &&
	mknod "$s/l3/null" c 1 3 &&
	echo hard > "$s/l3/hl" &&
	ln "$s/l3/hl" "$s/l3/hl2" &&
	setfattr -n trusted.tag -v lower "$s/l2/only2" &&
	chown 5:6 "$s/l3/deep/er/file" &&
	chmod 751 "$s/l3/deep"; } ||
		fail "diff_layers $s"
}

# run_ops SEED COUNT A B: the same pseudo-random operations, relative
# to the mounts A (reference) and B (layerfs); after every step the
# results and the trees (treedump) must match. Fails with the seed and
# step.
run_ops() {
	seed=$1 count=$2 ra=$3 rb=$4
	# overlayfs from 6.7 on lets users set escaped private xattrs
	priv=0.2
	grep -q '^private_xattr_escape ' /tests/deviations && priv=0
	awk -v seed="$seed" -v n="$count" -v priv="$priv" 'BEGIN {
		srand(seed)
		np = split("f only2 wh d d/a d/b d/c d/gone o o/x o/y fd fd/z df " \
			"deep deep/er deep/er/file lnk dangling fifo null hl hl2 " \
			"n1 n2 d/n3 deep/n4 nd nd/n5 o/n6", p, " ")
		no = split("openr openw creat trunc append excl mkdir mkdir rmdir " \
			"unlink unlink rename rename rename_noreplace " \
			"rename_exchange rename_whiteout link symlink mknod mkfifo " \
			"chmodn chownn truncn utimes setxattrv setxattrv " \
			"removexattr write write pwrite fallocate readlink " \
			"getxattr listxattr opendir", o, " ")
		for (i = 1; i <= n; i++) {
			op = o[int(rand() * no) + 1]
			a = p[int(rand() * np) + 1]
			b = p[int(rand() * np) + 1]
			arg = b
			if (op == "chmodn") arg = sprintf("%o", 256 + int(rand() * 256))
			if (op == "chownn") arg = int(rand() * 9) ":" int(rand() * 9)
			if (op == "truncn") arg = int(rand() * 9000)
			if (op ~ /^(write|pwrite)$/) arg = "w" i
			if (op == "setxattrv") arg = (rand() < priv ? \
				"trusted.overlay.x" : "trusted.t" int(rand() * 3)) "=v" i
			if (op ~ /xattr$/ && op != "setxattrv" && op != "listxattr") \
				arg = rand() < 0.5 ? "trusted.tag" : "trusted.t1"
			if (op == "symlink") { arg = a; a = "target" i }
			print i, op, a, arg
		}
	}' > "$T/ops.$seed"
	# one process for the whole script (tests/tools/opsdiff): its last
	# line says where and how the mounts differ
	_out=$(opsdiff "$ra" "$rb" < "$T/ops.$seed") || {
		printf '%s\n' "$_out" | sed '$d'
		fail "seed $seed $(printf '%s\n' "$_out" | tail -n 1)"
	}
}

# same_tree A B WHY: the treedumps A and B are the same, or the test
# fails with WHY and the start of their difference
same_tree() {
	cmp -s "$1" "$2" && return
	diff "$1" "$2" | head -n 20 || true
	fail "$3"
}

# lower_hash S: a fingerprint of the lowers under S (data and metadata)
lower_hash() {
	_tree=$(treedump -t "$1") || fail "treedump -t $1"
	printf '%s\n' "$_tree" | md5sum
}
