#!/bin/sh
# timeout: 900
# A 500-layer image: with layerfs the 65-byte layer names exceed a page and
# go through fsconfig lowerdir+; with overlay, short links keep one page.
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

n=500
i=0
dirs=
while [ $i -lt $n ]; do
	mkdir -p "$T/src/$i/shared"
	echo $i > "$T/src/$i/l$i"
	echo $i > "$T/src/$i/shared/f"
	dirs="$dirs $T/src/$i"
	i=$((i + 1))
done
mkoci "$T/img" $dirs
rm -rf "$T/src"
must $LM -q --store "$T/store" unpack "$T/img"
mkdir "$T/m"
for type in layerfs overlay; do
	must $LM -q --store "$T/store" --type $type --read-only "$T/img" "$T/m"
	assert_eq "$(ls "$T/m" | grep -c '^l')" $n "$type: layer files"
	assert_eq "$(cat "$T/m/shared/f")" $((n - 1)) "$type: top layer wins"
	must $LM --store "$T/store" umount "$T/m"
done
