#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh RELEASE OUT.cpio CONFIG [EXTRA.ko ...]
# mkinitramfs.sh --base RELEASE    (only build the base, see below)
#
# Builds the guest's initramfs for one kernel release: busybox, the kernel
# modules the guest needs (decompressed, with their dependencies, in load
# order), layerfs.ko, the helper and the test programs with their shared
# libraries, the test scripts and fixtures, and CONFIG (the run's settings)
# as /etc/lfs.conf. EXTRA modules (test-only) are loaded after layerfs.
#
# All but the run's own part (CONFIG, EXTRA, $LFS_SUITE_DIR, $LFS_DATA_DIR)
# is the same for every boot of a release: that base archive is built once
# and kept in $BUILD/initramfs/RELEASE-KEY.cpio, KEY a hash of everything
# that goes into it (the contents of the repository's files, the names,
# sizes and times of the system's), so any change builds a new one. OUT is
# the base followed by a small archive of the run's part (the kernel
# unpacks concatenated archives in order). $LFS_KO names another
# layerfs.ko (a lab's student tree, vm/lab-check.sh): it goes into the
# run's part, and the base has none. Uncompressed: the guest's CPU is
# emulated, and unpacking gzip there costs more than reading 80 MiB.
set -euo pipefail

if [ "$1" = --base ]; then
	rel=$2 out='' conf=''
else
	rel=$1 out=$2 conf=$3
	shift 3
fi
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
# the layerfs.ko of the base, if it has one
base_ko=$build/$rel/kmod/layerfs.ko
[ -z "${LFS_KO:-}" ] || base_ko=
# a release not installed on the system has its modules where
# vm/bpo-kernel.sh unpacked it
if [ -z "${LFS_MODDIR:-}" ] && [ ! -d "/lib/modules/$rel" ]; then
	LFS_MODDIR=${LFS_KERNEL_CACHE:-/var/cache/layerfs/kernels}/$rel/root
fi

# Kernel modules the guest loads before layerfs, by name (builtins skipped).
GUEST_MODULES="virtio_pci virtio_blk overlay fuse"
# Programs from the system, with the shared libraries they need.
SYS_BINS="/usr/bin/setfattr /usr/bin/getfattr /usr/bin/setfacl /usr/bin/getfacl
	/sbin/mke2fs /usr/bin/stress-ng"
TEST_DIRS="guest stress demo bench crash debug fixtures images"

# run_part DIR [EXTRA.ko ...]: the run's own files, under DIR
run_part() {
	local dir=$1 ko
	shift
	mkdir -p "$dir/etc" "$dir/lib/modules/extra" "$dir/tests"
	cp "$conf" "$dir/etc/lfs.conf"
	for ko in "$@"; do
		cp "$ko" "$dir/lib/modules/extra/"
	done
	if [ -n "${LFS_KO:-}" ]; then
		mkdir -p "$dir/lib/modules"
		cp "$LFS_KO" "$dir/lib/modules/layerfs.ko"
	fi
	if [ -n "${LFS_SUITE_DIR:-}" ]; then
		cp -a "$LFS_SUITE_DIR" "$dir/tests/suite"
	fi
	if [ -n "${LFS_DATA_DIR:-}" ]; then
		cp -a "$LFS_DATA_DIR" "$dir/tests/data"
	fi
}

# cpio_of DIR: DIR as a newc archive on stdout
cpio_of() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet)
}

# base_key: a hash of what the base archive is made of
base_key() {
	local d f
	echo "$rel ${LFS_MODDIR:-} $GUEST_MODULES ko:${base_ko:+yes}"
	for f in $(cd "$top" && {
		for d in $TEST_DIRS; do
			if [ -d "tests/$d" ]; then find "tests/$d" -type f; fi
		done
		echo vm/init vm/log-patterns vm/mkinitramfs.sh tests/lib.sh \
			tests/deviations helper/layermount
	} | LC_ALL=C sort) ${base_ko:+"$base_ko"} "$build"/tools/*; do
		case $f in /*) ;; *) f=$top/$f ;; esac
		if [ -f "$f" ]; then echo "${f#"$top"/} $(sha256sum < "$f")"; fi
	done
	for f in /bin/busybox $SYS_BINS; do
		stat -L -c '%n %s %Y' "$f"
		{ ldd "$f" 2>/dev/null || true; } | { grep -o '/[^ ]*' || true; } |
			xargs -r stat -L -c '%n %s %Y'
	done
	stat -L -c '%n %s %Y' "${LFS_MODDIR:-}/lib/modules/$rel/modules.dep"
}

root='' run=''
trap 'rm -rf "$root" "$run"' EXIT
key=$(base_key | sha256sum | cut -c1-16)
base=$build/initramfs/$rel-$key.cpio
mkdir -p "$build/initramfs"
# one build of a release's base at a time; a concurrent run waits for it
exec 9> "$build/initramfs/$rel.lock"
flock 9
if [ ! -f "$base" ]; then
	root=$(mktemp -d "${TMPDIR:-/tmp}/lfs-initramfs.XXXXXX")
	# the guest's /: mktemp made it 0700, which shuts every user but root
	# out of the whole tree (tests run programs as other uids with asuser)
	chmod 755 "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,mnt,run,lib/modules/kernel,lib/modules/extra,tests}

	# busybox and its applets
	cp /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
	done

	# copy_bin FILE: an executable and the shared libraries it needs
	copy_bin() {
		local f=$1 dst=${2:-$1} lib
		mkdir -p "$root$(dirname "$dst")"
		cp -L "$f" "$root$dst"
		for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true); do
			[ -e "$root$lib" ] && continue
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	}

	for b in $SYS_BINS; do
		copy_bin "$b"
	done
	ln -s mke2fs "$root/sbin/mkfs.ext4"
	[ -x "$top/helper/layermount" ] && copy_bin "$top/helper/layermount" /usr/bin/layermount

	# kernel modules, in dependency order, decompressed for busybox insmod
	: > "$root/etc/modules.load"
	for m in $GUEST_MODULES; do
		modprobe ${LFS_MODDIR:+-d "$LFS_MODDIR"} -S "$rel" --show-depends "$m" 2>/dev/null |
		while read -r kind path _; do
			[ "$kind" = insmod ] || continue
			name=$(basename "$path"); name=${name%.xz}; name=${name%.zst}
			dst="$root/lib/modules/kernel/$name"
			[ -e "$dst" ] && continue
			case "$path" in
			*.xz)	xz -dc "$path" > "$dst" ;;
			*.zst)	zstd -qdc "$path" > "$dst" ;;
			*)	cp "$path" "$dst" ;;
			esac
			echo "$name" >> "$root/etc/modules.load"
		done
	done

	[ -z "$base_ko" ] || cp "$base_ko" "$root/lib/modules/layerfs.ko"

	# tests, tools and fixtures
	cp "$top/vm/init" "$root/init"
	chmod 755 "$root/init"
	grep -v '^#' "$top/vm/log-patterns" | grep -v '^$' > "$root/etc/log-patterns"
	cp "$top/tests/lib.sh" "$root/tests/"
	for d in $TEST_DIRS; do
		[ -d "$top/tests/$d" ] && cp -a "$top/tests/$d" "$root/tests/$d"
	done
	[ -f "$top/tests/deviations" ] && cp "$top/tests/deviations" "$root/tests/"
	mkdir -p "$root/tests/tools"
	if [ -d "$build/tools" ]; then
		for t in "$build"/tools/*; do
			[ -x "$t" ] && copy_bin "$t" "/tests/tools/$(basename "$t")"
		done
	fi

	cpio_of "$root" > "$base.tmp"
	mv "$base.tmp" "$base"
	rm -rf "$root"
	# older bases of this release (kept an hour: a run may be reading one)
	find "$build/initramfs" -name "$rel-*.cpio" ! -name "${base##*/}" -mmin +60 -delete
fi
exec 9>&-
touch "$base"
[ -n "$out" ] || exit 0

run=$(mktemp -d "${TMPDIR:-/tmp}/lfs-initramfs-run.XXXXXX")
chmod 755 "$run"
run_part "$run" "$@"
{ cat "$base"; cpio_of "$run"; } > "$out"
