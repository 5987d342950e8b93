#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Building for one kernel, make install and DKMS, end to end, on each
# Debian kernel of KVERS, nothing of the host changed: `make KDIR=` builds
# that release only; `make install DESTDIR=` installs the module (with a
# depmod index), layermount and its man page; the real dkms, in a mount
# namespace whose /usr/src, /var/lib/dkms and /lib/modules are overlays on
# a tmpfs, adds, builds, installs (dkms status: installed); then a guest
# without layerfs loaded (tests/images/installed.sh) runs `modprobe
# layerfs` from each installed tree and mounts an image with the
# installed layermount.
# guests: each kernel
#
# Only the kernels installed as packages (6.1, 6.12): make install and
# DKMS install into their /lib/modules/REL, which 7.3's unpacked tree
# does not have.
. tests/host/lib.sh

command -v dkms >/dev/null || fail "dkms not installed (make deps)"
command -v unshare >/dev/null || fail "unshare not installed"
ver=$(cat VERSION)
kmod=$(command -v kmod) || fail "kmod not installed (make deps)"

# copy_libs BIN DIR: the shared libraries BIN was linked with, into DIR
copy_libs() {
	local lib
	mkdir -p "$2"
	for lib in $(ldd "$1" | grep -o '/[^ ]*'); do
		cp -L "$lib" "$2/"
	done
}

for kver in ${KVERS:-6.1 6.12}; do
	case $kver in
	6.1|6.12) ;;
	*)	note "$kver: not installed in /lib/modules, left out"; continue ;;
	esac
	rel=$(vm/krel "$kver") || fail "no kernel for $kver"
	kdir=/lib/modules/$rel/build
	b=$T/build-$kver
	data=$T/data-$kver
	mkdir -p "$data"

	# make KDIR=: that release only
	make --no-print-directory KDIR="$kdir" BUILD="$b" modules \
		> "$RUN/kdir-$kver.log" 2>&1 ||
		{ tail -n 30 "$RUN/kdir-$kver.log"; fail "$kver: make KDIR=$kdir failed"; }
	built=$(cd "$b" && echo *)
	[ "$built" = "$rel" ] || fail "$kver: make KDIR= built for $built, not $rel alone"
	ko=$b/$rel/kmod/layerfs.ko
	vm=$(modinfo -F vermagic "$ko")
	[ "${vm%% *}" = "$rel" ] || fail "$kver: vermagic '$vm', not $rel"
	[ "$(modinfo -F version "$ko")" = "$ver" ] || fail "$kver: module version $(modinfo -F version "$ko"), not $ver"
	note "$kver: make KDIR=$kdir: build-$kver/ holds $rel alone, vermagic $vm"

	# make install DESTDIR=: the file list, the index, the helper
	root=$data/install
	make --no-print-directory install KDIR="$kdir" BUILD="$b" DESTDIR="$root" \
		> "$RUN/install-$kver.log" 2>&1 ||
		{ tail -n 30 "$RUN/install-$kver.log"; fail "$kver: make install failed"; }
	(cd "$root" && find . ! -type d ! -name 'modules.*' | sort) > "$RUN/files"
	printf '%s\n' "./lib/modules/$rel/updates/layerfs.ko" \
		./usr/local/sbin/layermount \
		./usr/local/share/man/man8/layermount.8 | sort > "$RUN/want"
	diff -u "$RUN/want" "$RUN/files" || fail "$kver: make install installed other files"
	grep -qx "updates/layerfs.ko:" "$root/lib/modules/$rel/modules.dep" ||
		fail "$kver: depmod -b: no updates/layerfs.ko in modules.dep"
	cmp -s "$ko" "$root/lib/modules/$rel/updates/layerfs.ko" || fail "$kver: installed module differs"
	[ "$("$root/usr/local/sbin/layermount" --version)" = "layermount $ver" ] ||
		fail "$kver: installed layermount --version"
	note "$kver: make install DESTDIR: $(xargs < "$RUN/files"), modules.dep"

	# DKMS for real, in a mount namespace of its own
	mkdir -p "$data/dkms"
	unshare -m --propagation private env REL="$rel" VER="$ver" OUT="$data/dkms" \
		NS="$T/ns-$kver" bash -s > "$RUN/dkms-$kver.log" 2>&1 <<-'NS' ||
	set -euxo pipefail
	mkdir -p "$NS"
	mount -t tmpfs lfs-dkms "$NS"
	for d in /usr/src /var/lib/dkms /lib/modules; do
		mkdir -p "$NS/upper$d" "$NS/work$d"
		mount -t overlay overlay \
			-o "lowerdir=$d,upperdir=$NS/upper$d,workdir=$NS/work$d" "$d"
	done
	make --no-print-directory install-dkms
	dkms add "layerfs/$VER"
	dkms build "layerfs/$VER" -k "$REL"
	dkms install "layerfs/$VER" -k "$REL"
	dkms status layerfs > "$OUT/status"
	# what the guest's modprobe reads: the index and the installed module
	mkdir -p "$OUT/lib/modules/$REL/updates"
	cp -a "/lib/modules/$REL"/modules.* "$OUT/lib/modules/$REL/"
	cp -a "/lib/modules/$REL/updates/dkms" "$OUT/lib/modules/$REL/updates/"
	# everything DKMS wrote (the upper layers)
	(cd "$NS/upper" && find . ! -type d | sort) > "$OUT/written"
	NS
		{ tail -n 40 "$RUN/dkms-$kver.log"; fail "$kver: DKMS failed (log above)"; }
	sed 's/^/#   dkms status: /' "$data/dkms/status"
	grep -qxF "layerfs/$ver, $rel, $(uname -m): installed" "$data/dkms/status" ||
		fail "$kver: dkms status does not say installed"
	m=./lib/modules/$rel/updates/dkms/layerfs.ko
	grep -qxF -e "$m" -e "$m.xz" "$data/dkms/written" ||
		fail "$kver: DKMS installed no module in updates/dkms"
	grep -qF -e "updates/dkms/layerfs.ko:" -e "updates/dkms/layerfs.ko.xz:" \
		"$data/dkms/lib/modules/$rel/modules.dep" ||
		fail "$kver: DKMS's depmod left layerfs out of modules.dep"
	note "$kver: dkms wrote $(grep -c . "$data/dkms/written") files: $(grep -v '^\./var/lib/dkms' "$data/dkms/written" | grep -v '^\./usr/src' | xargs)"

	# a guest: modprobe from each tree, and a mount
	echo "$ver" > "$data/VERSION"
	mkdir -p "$data/bin"
	cp "$kmod" "$data/bin/kmod"
	copy_libs "$kmod" "$data/lib"
	guest_test "$kver" images installed "$data" --no-layerfs
	grep -E '^# (install|dkms): ' "$T/vm-$kver/console.log" | sed 's/^/# /'
done
