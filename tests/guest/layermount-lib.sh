# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# layermount-lib.sh: build OCI images in the guest with busybox (tar, gzip,
# sha256sum) for the layermount_* tests.  Sourced after /tests/lib.sh.

LM=${LM:-/usr/bin/layermount}
[ -x "$LM" ] || fail "no $LM in the guest (vm/mkinitramfs.sh puts it there)"

# put FILE DIR: move FILE to DIR/blobs/sha256/<hex>; prints "sha256:<hex> size"
put() {
	{ h=$(sha256sum "$1") && s=$(stat -c %s "$1") &&
	mv "$1" "$2/blobs/sha256/${h%% *}"; } || fail "put $1"
	echo "sha256:${h%% *} $s"
}

# mkoci OUT LAYERDIR...: an OCI layout of gzip layers, bottom first.
# A tar per layer, then one sha256sum, gzip and stat for all of them
# (programs started per layer are what costs under emulation).
mkoci() {
	out=$1
	shift
	{ mkdir -p "$out/blobs/sha256" &&
	echo '{"imageLayoutVersion": "1.0.0"}' > "$out/oci-layout"; } ||
		fail "mkoci $out"
	# l10001.tar, l10002.tar, ...: the glob lists them bottom first
	_mk=10000
	for dir in "$@"; do
		_mk=$((_mk + 1))
		tar -cf "$out/l$_mk.tar" -C "$dir" . || fail "tar $dir"
	done
	{ sha256sum "$out"/l1*.tar > "$out/diff.sums" &&
	gzip "$out"/l1*.tar &&
	sha256sum "$out"/l1*.tar.gz > "$out/blob.sums" &&
	stat -c %s "$out"/l1*.tar.gz > "$out/blob.sizes" &&
	paste -d ' ' "$out/diff.sums" "$out/blob.sums" "$out/blob.sizes" \
		> "$out/l.sums" &&
	rm "$out/diff.sums" "$out/blob.sums" "$out/blob.sizes"; } ||
		fail "mkoci: layers"
	diffs=
	layers=
	while read -r _mkd _ _mkh _mkgz _mks; do
		mv "$_mkgz" "$out/blobs/sha256/$_mkh" || fail "mkoci: $_mkgz"
		diffs="$diffs${diffs:+,}\"sha256:$_mkd\""
		layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$_mkh\",\"size\":$_mks}"
	done < "$out/l.sums"
	rm "$out/l.sums" || fail "mkoci: l.sums"
	printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[%s]}}' \
		"$diffs" > "$out/c" || fail "mkoci: config"
	blob=$(put "$out/c" "$out")
	# shellcheck disable=SC2086 # digest and size
	set -- $blob
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[%s]}' \
		"$1" "$2" "$layers" > "$out/m" || fail "mkoci: manifest"
	blob=$(put "$out/m" "$out")
	# shellcheck disable=SC2086 # digest and size
	set -- $blob
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s}]}' \
		"$1" "$2" > "$out/index.json" || fail "mkoci: index"
}

# sample_image OUT: three layers with a deletion and an opaque directory.
sample_image() {
	s=$T/src
	{ mkdir -p "$s/1/etc" "$s/1/data" "$s/1/bin" "$s/2/data" "$s/3" &&
	echo ID=test > "$s/1/etc/os-release" &&
	echo old1 > "$s/1/data/old1" &&
	echo gone > "$s/1/gone" &&
	printf '#!/bin/sh\necho hi\n' > "$s/1/bin/tool" &&
	chmod 755 "$s/1/bin/tool" &&
	ln -s tool "$s/1/bin/sh" &&
	ln "$s/1/bin/tool" "$s/1/bin/tool2" &&
	mknod "$s/1/null" c 1 3 &&
	: > "$s/2/.wh.gone" &&
	: > "$s/2/data/.wh..wh..opq" &&
	echo new > "$s/2/data/new" &&
	echo top > "$s/3/top" &&
	chmod 750 "$s/3"; } || fail "sample_image: sources"
	mkoci "$1" "$s/1" "$s/2" "$s/3"
}

# sample_setup: the sample image in $T/img and the mount point $T/m
sample_setup() {
	sample_image "$T/img"
	mkdir "$T/m" || fail "mkdir $T/m"
}

# mount_ro TYPE IMAGE [OPTION...]: layermount IMAGE read-only on $T/m with
# the store $T/store and --type TYPE
mount_ro() {
	_type=$1 _img=$2
	shift 2
	must "$LM" -q --store "$T/store" --type "$_type" --read-only "$@" \
		"$_img" "$T/m"
}

# umount_m: layermount umount $T/m (store $T/store)
umount_m() {
	must "$LM" --store "$T/store" umount "$T/m"
}

# tree DIR: what a mount shows, one line per object (type, mode, owner,
# size, content hash, link target, device numbers).
tree() {
	_paths=$(cd "$1" && find .) || fail "tree: find in $1"
	printf '%s\n' "$_paths" | sort | while read -r p; do
		st=$(stat -c '%F %a %u:%g %t:%T' "$1/$p") || fail "tree: stat $1/$p"
		case $st in
		"regular file"*)
			sz=$(stat -c %s "$1/$p") || fail "tree: stat $1/$p"
			h=$(sha256sum < "$1/$p") || fail "tree: read $1/$p"
			st="$st $sz ${h%% *}" ;;
		"symbolic link"*)
			l=$(readlink "$1/$p") || fail "tree: readlink $1/$p"
			st="$st $l" ;;
		esac
		echo "$p $st"
	done
}

# tree_fast DIR: what tree() prints, in another layout, for large trees:
# one stat per batch of files rather than per file
tree_fast() {
	(cd "$1" && {
		find . -type f -exec stat -c '%n %a %u:%g %s' {} + |
			sed 's/^/f /'
		find . -type f -exec sha256sum {} + |
			sed 's/^\([^ ]*\)  \(.*\)$/h \2 \1/'
		find . ! -type f -exec stat -c '%n %F %a %u:%g %t:%T' {} + |
			sed 's/^/o /'
		find . -type l -exec stat -c '%N' {} + | sed 's/^/l /'
	} | LC_ALL=C sort) || fail "tree_fast $1"
}

# is_mounted DIR: DIR is a mount point in this mount namespace
is_mounted() {
	_mi=$(cat /proc/self/mountinfo) || fail "is_mounted: mountinfo"
	printf '%s\n' "$_mi" | awk -v d="$1" '$5 == d { f = 1 } END { exit !f }'
}

# manifest_digest IMG: the digest of the one manifest of an mkoci image
manifest_digest() {
	_idx=$(cat "$1/index.json") || fail "manifest_digest: $1"
	printf '%s\n' "$_idx" | sed 's/.*"digest":"\([^"]*\)".*/\1/'
}

# old_boot STORE: make every mount record of STORE look as if written in
# an earlier boot (a simulated reboot: records are JSON, see layermount(8))
old_boot() {
	for _r in "$1"/mounts/*/record; do
		[ -e "$_r" ] || continue
		sed -i 's/"boot_id":"[^"]*"/"boot_id":"00000000-0000-0000-0000-000000000000"/' \
			"$_r" || fail "old_boot: $_r"
		grep -q '"boot_id":"00000000-0000' "$_r" || fail "old_boot: no boot_id in $_r"
	done
}

# For diff and commit (layermount_diff, layermount_commit): names over 100
# bytes, the limit of a plain tar header
LONG_DIR=$(awk 'BEGIN { while (i++ < 120) printf "d" }')
LONG_FILE=$(awk 'BEGIN { while (i++ < 150) printf "f" }')

# change_image OUT: two layers, the manifest with the ref "base": files
# to change, a directory to delete, one to make anew, a hard link, a
# symlink, a file the upper layer already hides
change_image() {
	s=$T/csrc
	{ mkdir -p "$s/1/etc" "$s/1/lib" "$s/1/var/old" "$s/1/bin" "$s/1/data" \
		"$s/2" &&
	echo ID=test > "$s/1/etc/os-release" &&
	echo 127.0.0.1 > "$s/1/etc/hosts" &&
	echo a > "$s/1/lib/a" && echo b > "$s/1/lib/b" &&
	echo x > "$s/1/var/old/x" && echo y > "$s/1/var/old/y" &&
	printf '#!/bin/sh\necho hi\n' > "$s/1/bin/tool" &&
	chmod 755 "$s/1/bin/tool" &&
	ln -s tool "$s/1/bin/sh" && ln "$s/1/bin/tool" "$s/1/bin/tool2" &&
	echo 0123456789 > "$s/1/top" && echo f > "$s/1/data/f" &&
	echo gone > "$s/1/gone" && echo hidden > "$s/1/hidden" &&
	: > "$s/2/.wh.hidden" && echo keep > "$s/2/keep"; } ||
		fail "change_image: sources"
	mkoci "$1" "$s/1" "$s/2"
	_idx=$(sed 's/"size":\([0-9]*\)}/"size":\1,"annotations":{"org.opencontainers.image.ref.name":"base"}}/' \
		"$1/index.json") || fail "change_image: index"
	printf '%s\n' "$_idx" > "$1/index.json" || fail "change_image: index"
}

# change_tree MNT [nl]: the scripted changes to the mounted change_image
# (with "nl": also a name holding a newline)
change_tree() {
	_m=$1
	{ echo new > "$_m/newfile" && mkdir "$_m/newdir" &&
	echo n > "$_m/newdir/f" &&
	echo more >> "$_m/etc/os-release" &&
	truncate -s 2 "$_m/top" &&
	chmod 700 "$_m/bin/tool" &&
	chown 1000:1000 "$_m/data/f" &&
	setfattr -n trusted.t1 -v one "$_m/etc/hosts" &&
	setfattr -n trusted.t2 -v two "$_m/etc/hosts" &&
	setfattr -x trusted.t1 "$_m/etc/hosts" &&
	rm "$_m/gone" && rm -r "${_m:?}/lib" &&
	rm -r "$_m/var/old" && mkdir "$_m/var/old" && echo z > "$_m/var/old/z" &&
	ln -s /etc/os-release "$_m/newlink" && ln "$_m/newfile" "$_m/newhard" &&
	mkfifo "$_m/fifo" &&
	mkdir -p "$_m/long/$LONG_DIR" &&
	echo L > "$_m/long/$LONG_DIR/$LONG_FILE"; } || fail "change_tree $_m"
	if [ "${2:-}" = nl ]; then
		: > "$_m/nl
x" || fail "change_tree: newline name"
	fi
}

# change_diff [nl]: what layermount diff prints for change_tree
change_diff() {
	cat <<EOT
D /gone
D /lib
C /bin
C /bin/tool
C /data
C /data/f
C /etc
C /etc/hosts
C /etc/os-release
A /fifo
A /long
A /long/$LONG_DIR
A /long/$LONG_DIR/$LONG_FILE
A /newdir
A /newdir/f
A /newfile
A /newhard
A /newlink
EOT
	[ "${1:-}" != nl ] || printf '%s\n' 'A /nl\012x'
	cat <<EOT
C /top
C /var
C /var/old
D /var/old/x
D /var/old/y
A /var/old/z
EOT
}

# xattrs DIR: every xattr of the tree DIR shows, "path name=value" lines,
# sorted (getfattr goes in readdir order)
xattrs() {
	_x=$(cd "$1" && getfattr -R -P -h -d -m - --absolute-names .) ||
		fail "xattrs: getfattr in $1"
	printf '%s\n' "$_x" |
		awk '/^# file: / { f = substr($0, 9); next } NF { print f, $0 }' |
		sort
}
