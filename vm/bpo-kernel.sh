#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bpo-kernel.sh SERIES: Debian's kernel of a series newer than bookworm's
# (7.3, from trixie-backports) and a tree to build modules for it, on a
# bookworm machine; called by vm/deps.sh, idempotent (a second run
# returns at once).
# bpo-kernel.sh --info SERIES: where that kernel and its build tree came
# from, and how the build tree's configuration differs from the kernel's.
#
# Nothing of it installs: the image package pre-depends on a newer
# linux-base than bookworm's, and the header package needs trixie's
# gcc-14 and glibc. So:
#  1. A private apt configuration ($CACHE/apt: trixie-backports only, the
#     system's sources and state untouched) downloads the pinned versions
#     below (apt checks them against the signed index) into $CACHE/debs,
#     which keeps them: backports drops old versions.
#  2. dpkg-deb -x unpacks the kernel (linux-binary: vmlinuz), its modules
#     (.ko.xz) and linux-base (config, modules.builtin) into
#     $CACHE/REL/root, and depmod indexes them there (vm/run.sh boots it,
#     vm/mkinitramfs.sh takes virtio_blk, overlay, ... from it).
#  3. The build tree $CACHE/REL/build is linux-source-SERIES (the same
#     Debian source version as the image) with the image's config,
#     `make olddefconfig` and `make modules_prepare` (fixdep, modpost,
#     objtool built here with bookworm's gcc-12), and the image's
#     Module.symvers taken from its linux-headers package.
#  4. Checks, or nothing is kept: olddefconfig may change only toolchain
#     symbols (the image was built with gcc-14, rustc and a newer pahole)
#     and the build settings Debian leaves out of the config it ships
#     (the list goes to $CACHE/REL/config.diff and is printed); a test
#     module built in the tree has the vermagic of the image's own
#     modules and no BTF section (module BTF would need the image's
#     vmlinux and its pahole; a module without BTF loads).
#
# Cache: $LFS_KERNEL_CACHE (default /var/cache/layerfs/kernels); remove
# $CACHE/REL to build the tree again.
set -euo pipefail

CACHE=${LFS_KERNEL_CACHE:-/var/cache/layerfs/kernels}
NICE=(nice -n 10)
JOBS=${JOBS:-2}
MIRROR=http://deb.debian.org/debian
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

die() { echo "bpo-kernel: $*" >&2; exit 1; }

info=0
if [ "${1:-}" = --info ]; then
	info=1
	shift
fi
series=${1:-}
# per series: the suite, the package version (pinned) and the release
case "$series" in
7.3)	suite=trixie-backports
	version=7.3.4-1~bpo13+1
	rel=7.3.4+deb13-cloud-amd64 ;;
*)	die "unknown series '$series' (known: 7.3)" ;;
esac

dir=$CACHE/$rel
root=$dir/root
build=$dir/build
pkgs=("linux-binary-$rel" "linux-modules-$rel" "linux-base-$rel"
      "linux-headers-$rel" "linux-source-$series")

if [ $info = 1 ]; then
	[ -f "$dir/complete" ] || die "$rel is not prepared (make deps)"
	cat "$dir/provenance"
	echo "build tree .config differs from the image's config in $(grep -c . "$dir/config.diff") toolchain/build-setting symbols:"
	sed 's/^/  /' "$dir/config.diff"
	exit 0
fi
[ -f "$dir/complete" ] && exit 0

mkdir -p "$CACHE/debs" || die "cannot create $CACHE"
# one preparation at a time
exec 9> "$CACHE/.lock-$series"
flock 9
[ -f "$dir/complete" ] && exit 0

# 1. the packages, through a private apt configuration
deb_of() {	# deb_of PACKAGE: its cached .deb
	local f
	f=$(find "$CACHE/debs" -maxdepth 1 -name "${1}_${version}_*.deb" | head -n 1)
	[ -n "$f" ] && echo "$f"
}
missing=()
for p in "${pkgs[@]}"; do
	deb_of "$p" > /dev/null || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	a=$CACHE/apt
	mkdir -p "$a/etc/apt.conf.d" "$a/etc/preferences.d" \
		"$a/etc/sources.list.d" "$a/lists/partial" "$a/cache/archives/partial"
	: > "$a/status"
	echo "deb [signed-by=$KEYRING] $MIRROR $suite main" > "$a/etc/sources.list"
	cat > "$a/apt.conf" <<CONF
Dir::State "$a";
Dir::State::Lists "$a/lists";
Dir::State::status "$a/status";
Dir::Cache "$a/cache";
Dir::Etc "$a/etc";
Dir::Etc::Parts "$a/etc/apt.conf.d";
Dir::Etc::PreferencesParts "$a/etc/preferences.d";
APT::Architecture "amd64";
APT::Sandbox::User "root";
CONF
	export APT_CONFIG=$a/apt.conf
	echo "bpo-kernel: apt-get update ($suite, private configuration $a)"
	apt-get update -qq || die "apt-get update of $suite failed"
	echo "bpo-kernel: downloading ${missing[*]} ($version)"
	(cd "$CACHE/debs" && apt-get download -qq "${missing[@]/%/=$version}") ||
		die "download failed ($suite may have dropped $version: see $CACHE/debs)"
	unset APT_CONFIG
fi
for p in "${pkgs[@]}"; do
	deb_of "$p" > /dev/null || die "no .deb of $p $version in $CACHE/debs"
done

rm -rf "$dir"
mkdir -p "$root"
t0=$SECONDS

# 2. the kernel and its modules
for p in linux-binary-$rel linux-modules-$rel linux-base-$rel; do
	dpkg-deb -x "$(deb_of "$p")" "$root"
done
ln -s usr/lib "$root/lib"
rm -f "$root/usr/lib/modules/$rel/build" "$root/usr/lib/modules/$rel/source"
depmod -b "$root" "$rel" || die "depmod failed"
[ -f "$root/usr/lib/modules/$rel/vmlinuz" ] || die "no vmlinuz in linux-binary-$rel"

# 3. the build tree
echo "bpo-kernel: unpacking linux-source-$series ($version)"
tmp=$dir/tmp
mkdir -p "$tmp" "$build"
dpkg-deb -x "$(deb_of "linux-source-$series")" "$tmp"
"${NICE[@]}" tar -xJf "$tmp/usr/src/linux-source-$series.tar.xz" -C "$build" \
	--strip-components=1 || die "cannot unpack linux-source-$series"
dpkg-deb --fsys-tarfile "$(deb_of "linux-headers-$rel")" |
	tar -x -C "$tmp" "./usr/src/linux-headers-$rel/Module.symvers" ||
	die "no Module.symvers in linux-headers-$rel"
rm -f "$tmp/usr/src/linux-source-$series.tar.xz"
cp "$root/usr/lib/modules/$rel/config" "$build/.config"
# no Rust: whatever rustc a machine has, the tree is the same
kmake=("${NICE[@]}" make -C "$build" -s RUSTC=/nonexistent BINDGEN=/nonexistent
       KERNELRELEASE="$rel")
echo "bpo-kernel: olddefconfig and modules_prepare in $build (gcc $(gcc -dumpversion))"
"${kmake[@]}" olddefconfig > "$dir/build.log" 2>&1 ||
	{ tail -n 20 "$dir/build.log"; die "olddefconfig failed"; }

# 4a. the configuration difference: "SYMBOL image-value -> tree-value",
# "n" for an unset or absent symbol
cfgvals() {	# "SYMBOL<tab>VALUE" lines, sorted
	sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)/\1\t\2/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set/\1\tn/p' "$1" | sort
}
join -t "$(printf '\t')" -a1 -a2 -e n -o 0,1.2,2.2 \
	<(cfgvals "$root/usr/lib/modules/$rel/config") <(cfgvals "$build/.config") |
	awk -F '\t' '$2 != $3 { print $1, $2, "->", $3 }' > "$dir/config.diff"
# toolchain symbols: compiler, assembler, linker, Rust, pahole, OpenSSL
# (signing tool); build settings Debian strips from the config it ships
toolchain='^CONFIG_(([A-Z0-9]+_)*RUSTC?(_[A-Z0-9]+)*|(CC|GCC|AS|LD|PAHOLE|CLANG|BINDGEN|TOOLS_SUPPORT|OPENSSL)_[A-Z0-9_]+|X86_NATIVE_CPU|NOVA_CORE|MODULE_SIG_ALL|MODULE_SIG_KEY|MODULE_SIG_KEY_TYPE_[A-Z0-9_]+|SYSTEM_TRUSTED_KEYS|BUILD_SALT) '
if grep -Ev "$toolchain" "$dir/config.diff" > "$dir/config.other"; then
	sed 's/^/  /' "$dir/config.other" >&2
	die "olddefconfig changed these non-toolchain symbols of the image's config"
fi
rm -f "$dir/config.other"

"${kmake[@]}" -j"$JOBS" modules_prepare >> "$dir/build.log" 2>&1 ||
	{ tail -n 30 "$dir/build.log"; die "modules_prepare failed"; }
cp "$tmp/usr/src/linux-headers-$rel/Module.symvers" "$build/"
rm -rf "$tmp"
[ "$(cat "$build/include/config/kernel.release")" = "$rel" ] ||
	die "build tree release is $(cat "$build/include/config/kernel.release"), not $rel"

# 4b. a module built here loads there: same vermagic, no BTF
t=$dir/testmod
mkdir -p "$t"
cat > "$t/bpo_probe.c" <<'C'
// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
MODULE_DESCRIPTION("build tree check");
MODULE_LICENSE("GPL");
C
echo "obj-m := bpo_probe.o" > "$t/Kbuild"
"${NICE[@]}" make -C "$build" -s M="$t" modules >> "$dir/build.log" 2>&1 ||
	{ tail -n 20 "$dir/build.log"; die "test module build failed"; }
want=$(modinfo -F vermagic "$root/usr/lib/modules/$rel/kernel/fs/overlayfs/overlay.ko.xz")
got=$(modinfo -F vermagic "$t/bpo_probe.ko")
[ "$want" = "$got" ] || die "vermagic '$got' of the build tree differs from the image's '$want'"
if readelf -S "$t/bpo_probe.ko" | grep -q '\.BTF'; then
	die "test module has a BTF section"
fi
rm -rf "$t"

cat > "$dir/provenance" <<INFO
release $rel: Debian $suite packages, version $version (cached in $CACHE/debs)
kernel: $(basename "$(deb_of "linux-binary-$rel")") (vmlinuz), $(basename "$(deb_of "linux-modules-$rel")") (modules), $(basename "$(deb_of "linux-base-$rel")") (config), unpacked with dpkg-deb -x in $root
build tree: $build, from $(basename "$(deb_of "linux-source-$series")") with that config, olddefconfig + modules_prepare by $(gcc --version | head -n 1), Module.symvers of $(basename "$(deb_of "linux-headers-$rel")"); vermagic "$want" as the image's modules; module BTF off
INFO
echo "$((SECONDS - t0))" > "$dir/prepare-seconds"
touch "$dir/complete"
echo "bpo-kernel: $rel prepared in $((SECONDS - t0)) s"
cat "$dir/provenance"
echo "config difference (toolchain and build settings only):"
sed 's/^/  /' "$dir/config.diff"
