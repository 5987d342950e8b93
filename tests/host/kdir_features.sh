#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make KDIR=` for a kernel that lacks a feature layerfs needs stops before
# anything compiles, with one line naming the feature (kmod/require.mk).
# The kernels are scratch copies of the 6.12 build tree (a tree of
# symbolic links to it, with its own Makefile): one without
# linux/backing-file.h (no way to open real files behind a union file, as
# on the kernels between open_with_fake_path() and backing files), one
# without struct mnt_idmap (no idmapped mounts, as on a kernel too old).
# The untouched copy compiles an object of the module: the copy works.
. tests/host/lib.sh

rel=$(vm/krel 6.12) || fail "no 6.12 kernel (make deps)"
obj=$(readlink -f "/lib/modules/$rel/build")
src=$(readlink -f "/lib/modules/$rel/source")
[ -f "$src/include/linux/backing-file.h" ] ||
	fail "$rel: no linux/backing-file.h to take away"

# the copy: src/ and obj/, their Makefiles real files, the rest links
mkdir -p "$T/src" "$T/obj"
cp -rs "$src/." "$T/src/"
cp -rs "$obj/." "$T/obj/"
rm "$T/src/Makefile" "$T/obj/Makefile"
cp "$src/Makefile" "$T/src/Makefile"
sed "s|$src/|$T/src/|" "$obj/Makefile" > "$T/obj/Makefile"
grep -q "$T/src/Makefile" "$T/obj/Makefile" ||
	fail "$obj/Makefile does not include $src/Makefile: $(cat "$obj/Makefile")"

# without FEATURE-ERE: make KDIR= fails with one line naming it and
# nothing compiled
without() {
	local what=$1 log=$RUN/$2.log
	rm -rf "$T/b"
	if make --no-print-directory KDIR="$T/obj" BUILD="$T/b" modules > "$log" 2>&1; then
		fail "without $what: make KDIR= succeeded"
	fi
	sed 's/^/#   /' "$log"
	[ "$(grep -c 'layerfs: kernel .* lacks ' "$log")" = 1 ] ||
		fail "without $what: not one 'layerfs: kernel ... lacks' line"
	grep -E '^[^ ]*kmod/require\.mk:[0-9]+: \*\*\* layerfs: ' "$log" |
		grep -F "layerfs: kernel $rel lacks $3" > /dev/null ||
		fail "without $what: the message does not name $what"
	! grep -Eq 'error:|warning:|CC \[M\]' "$log" ||
		fail "without $what: the compiler ran"
	[ -z "$(find "$T/b" -name '*.o')" ] || fail "without $what: objects were built"
}

# no way to open real files
rm "$T/src/include/linux/backing-file.h"
without "backing files" backing "a way to open real files behind a union file"
ln -s "$src/include/linux/backing-file.h" "$T/src/include/linux/backing-file.h"

# no idmapped mounts
h=include/linux/mnt_idmapping.h
rm "$T/src/$h"
sed '/struct mnt_idmap;/d' "$src/$h" > "$T/src/$h"
without "struct mnt_idmap" idmap "idmapped mounts in the VFS calls"
rm "$T/src/$h"
ln -s "$src/$h" "$T/src/$h"

# the copy, whole, compiles (one object of the module)
rm -rf "$T/b"
vm/linktree.sh "$PWD" "$T/b/$rel"
make --no-print-directory -C "$T/obj" M="$T/b/$rel" kmod/params.o \
	> "$RUN/whole.log" 2>&1 || { cat "$RUN/whole.log"; fail "the untouched copy does not build"; }
[ -f "$T/b/$rel/kmod/params.o" ] || fail "the untouched copy built no kmod/params.o"
note "the untouched copy of $rel compiles kmod/params.o"
