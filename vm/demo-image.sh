#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-image.sh OUT: the sample image of `make demo`, an OCI layout built
# offline with Debian's umoci (as root, so owners and devices are kept):
#   layer 1  a small base tree: /etc, /bin/hello, /app, /data/{a,b,c},
#            /cache/{old1,old2}
#   layer 2  /app/config added
#   layer 3  /data/b deleted (a whiteout)
#   layer 4  /cache replaced by an opaque directory holding only "fresh"
set -euo pipefail

out=$1
[ -f "$out/index.json" ] && exit 0
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
rm -rf "$out"

b=$w/base
mkdir -p "$b/etc" "$b/bin" "$b/app" "$b/data" "$b/cache"
echo "layerfs demo image" > "$b/etc/motd"
printf '#!/bin/sh\necho "hello from the bottom layer"\n' > "$b/bin/hello"
chmod 755 "$b/bin/hello"
echo "version 1" > "$b/app/VERSION"
for f in a b c; do echo "data $f" > "$b/data/$f"; done
echo old > "$b/cache/old1"
echo old > "$b/cache/old2"
mkdir -p "$w/l2" "$w/l3"
echo "threads = 4" > "$w/l2/config"
echo fresh > "$w/l3/fresh"

umoci init --layout "$out" > /dev/null
umoci new --image "$out:demo" > /dev/null
umoci insert --image "$out:demo" "$b" / > /dev/null
umoci insert --image "$out:demo" "$w/l2/config" /app/config > /dev/null
umoci insert --image "$out:demo" --whiteout /data/b > /dev/null
umoci insert --image "$out:demo" --opaque "$w/l3" /cache > /dev/null
umoci gc --layout "$out"
