#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh RELEASE OUT.cpio.gz CONFIG [EXTRA.ko ...]
#
# Builds the guest's initramfs for one kernel release: busybox, the kernel
# modules the guest needs (decompressed, with their dependencies, in load
# order), layerfs.ko, the helper and the test programs with their shared
# libraries, the test scripts and fixtures, and CONFIG (the run's settings)
# as /etc/lfs.conf. EXTRA modules (test-only) are loaded after layerfs.
set -euo pipefail

rel=$1 out=$2 conf=$3
shift 3
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
root=$(mktemp -d "${TMPDIR:-/tmp}/lfs-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
# the guest's /: mktemp made it 0700, which shuts every user but root out
# of the whole tree (tests run programs as other uids with asuser)
chmod 755 "$root"

# Kernel modules the guest loads before layerfs, by name (builtins skipped).
GUEST_MODULES="virtio_pci virtio_blk overlay fuse"

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

for b in /usr/bin/setfattr /usr/bin/getfattr /usr/bin/setfacl /usr/bin/getfacl \
	/sbin/mke2fs /usr/bin/stress-ng; do
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

cp "$build/$rel/kmod/layerfs.ko" "$root/lib/modules/layerfs.ko"
for ko in "$@"; do
	cp "$ko" "$root/lib/modules/extra/"
done

# tests, tools and fixtures
cp "$top/vm/init" "$root/init"
chmod 755 "$root/init"
grep -v '^#' "$top/vm/log-patterns" | grep -v '^$' > "$root/etc/log-patterns"
cp "$conf" "$root/etc/lfs.conf"
cp "$top/tests/lib.sh" "$root/tests/"
for d in guest stress demo bench crash debug fixtures images; do
	[ -d "$top/tests/$d" ] && cp -a "$top/tests/$d" "$root/tests/$d"
done
[ -f "$top/tests/deviations" ] && cp "$top/tests/deviations" "$root/tests/"
if [ -n "${LFS_SUITE_DIR:-}" ]; then
	rm -rf "$root/tests/suite"
	cp -a "$LFS_SUITE_DIR" "$root/tests/suite"
fi
[ -n "${LFS_DATA_DIR:-}" ] && cp -a "$LFS_DATA_DIR" "$root/tests/data"
mkdir -p "$root/tests/tools"
if [ -d "$build/tools" ]; then
	for t in "$build"/tools/*; do
		[ -x "$t" ] && copy_bin "$t" "/tests/tools/$(basename "$t")"
	done
fi

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 > "$out"
