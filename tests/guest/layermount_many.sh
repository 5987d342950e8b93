#!/bin/sh
# timeout: 900
# A 500-layer image: with layerfs the 65-byte layer names exceed a page and
# go through fsconfig lowerdir+; so does overlay from Linux 6.8 on, while
# older overlay gets short links (store/mounts/ID/l/<n>) that keep one page.
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
# shellcheck disable=SC2086 # one argument per layer directory
mkoci "$T/img" $dirs
rm -rf "$T/src"
must "$LM" -q --store "$T/store" unpack "$T/img"
mkdir "$T/m"
rel=$(uname -r)
major=${rel%%.*} minor=${rel#*.}
minor=${minor%%.*}
for type in layerfs overlay; do
	must "$LM" -q --store "$T/store" --type $type --read-only "$T/img" "$T/m"
	assert_eq "$(count "$T/m" '^l')" $n "$type: layer files"
	assert_eq "$(cat "$T/m/shared/f")" $((n - 1)) "$type: top layer wins"
	# which mount path ran: the short links exist only for old overlay
	want=0
	if [ $type = overlay ] && [ $((major * 100 + minor)) -lt 608 ]; then
		want=$n
	fi
	assert_eq "$(find "$T/store/mounts" -path '*/l/*' -type l | wc -l)" $want \
		"$type: short links to the layers"
	opts=$(grep " $T/m " /proc/mounts) || fail "$type: mount not in /proc/mounts"
	[ "$want" = 0 ] || case $opts in
		*"lowerdir=0:1:2:"*) ;;
		*) fail "$type: the mount does not use the short links: $(echo "$opts" | cut -c 1-200)" ;;
	esac
	must "$LM" --store "$T/store" umount "$T/m"
done
