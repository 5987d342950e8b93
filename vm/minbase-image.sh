#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# minbase-image.sh: an image on a real Debian base, built with real tools
# (as root; needs a Debian mirror, $MIRROR, for debootstrap):
#   layer 1  `debootstrap --variant=minbase bookworm` (apt caches emptied,
#            as image builders do), inserted with `umoci insert`
#   layer 2  /usr/share/doc deleted (umoci insert --whiteout)
#   layer 3  /etc/apt replaced by an opaque directory (--opaque)
#   layer 4  /etc/os-release deleted (--whiteout)
#   layer 5  /opt/app added
# It is built once, into OUT = $LFS_IMAGE_CACHE (/var/cache/layerfs/images)
# /minbase-bookworm-KEY, KEY a hash of this script and of the shell code
# that prints want.tree: a change to either builds a new one. Prints OUT.
# OUT/image is the OCI layout; OUT/want.tree is the tree `umoci unpack`
# makes of it, as tree_fast() (tests/guest/layermount-lib.sh) prints it
# with busybox, which is what tests/images/minbase.sh compares a mount
# with. OUT/complete is written last; an OUT that has it is kept. One
# build at a time: a concurrent run waits for it and reuses it.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
key=$(cat "$0" "$top/tests/lib.sh" "$top/tests/guest/layermount-lib.sh" |
	sha256sum | cut -c1-12)
out=${LFS_IMAGE_CACHE:-/var/cache/layerfs/images}/minbase-bookworm-$key
mkdir -p "$(dirname "$out")"
exec 9> "$out.lock"
flock 9
# stdout is for OUT alone
exec 3>&1 1>&2
if [ -f "$out/complete" ]; then
	echo "$out" >&3
	exit 0
fi
MIRROR=${MIRROR:-http://deb.debian.org/debian}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
rm -rf "$out"
mkdir -p "$out"

t0=$SECONDS
debootstrap --variant=minbase bookworm "$w/root" "$MIRROR" > "$w/log" 2>&1 ||
	{ tail -n 20 "$w/log"; echo "minbase-image: debootstrap failed" >&2; exit 1; }
rm -rf "$w/root"/var/cache/apt/archives/*.deb "$w/root"/var/lib/apt/lists/*
echo "# debootstrap minbase: $(du -sh "$w/root" | cut -f1), $(find "$w/root" | wc -l) entries, $((SECONDS - t0)) s"

mkdir -p "$w/apt/sources.list.d" "$w/l4/opt/app"
printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n' \
	> "$w/apt/sources.list.d/debian.sources"
printf '#!/bin/sh\necho app\n' > "$w/l4/opt/app/run"
chmod 755 "$w/l4/opt/app/run"

img=$out/image
umoci init --layout "$img"
umoci new --image "$img:minbase"
umoci insert --image "$img:minbase" "$w/root" /
umoci insert --image "$img:minbase" --whiteout /usr/share/doc
umoci insert --image "$img:minbase" --opaque "$w/apt" /etc/apt
umoci insert --image "$img:minbase" --whiteout /etc/os-release
umoci insert --image "$img:minbase" "$w/l4/opt" /opt
umoci unpack --image "$img:minbase" "$w/bundle" > /dev/null

T=$w busybox sh -c ". '$top/tests/lib.sh'; LM=/bin/true;
	. '$top/tests/guest/layermount-lib.sh'; tree_fast '$w/bundle/rootfs'" \
	> "$out/want.tree"
echo "# image: $(du -sh "$img" | cut -f1), tree of $(wc -l < "$out/want.tree") lines, $((SECONDS - t0)) s in all"
touch "$out/complete"
echo "$out" >&3
