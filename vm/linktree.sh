#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# linktree.sh SRC DST: mirror the module sources of SRC into DST as symbolic
# links, so that Kbuild writes its objects into DST (one per kernel).
set -e
src=$1 dst=$2
mkdir -p "$dst/kmod"
ln -sfn "$src/Kbuild" "$dst/Kbuild"
ln -sfn "$src/VERSION" "$dst/VERSION"
for f in "$src"/kmod/*.c "$src"/kmod/*.h "$src"/kmod/Kbuild "$src"/kmod/*.mk; do
	[ -e "$f" ] && ln -sfn "$f" "$dst/kmod/${f##*/}"
done
# drop links to files that no longer exist
find "$dst/kmod" -maxdepth 1 -xtype l -delete
