#!/bin/sh
# timeout: 900
# gc racing an unpack and mount of the same image never removes a layer
# the mount then needs: 50 rounds with gc started first, 50 with the
# mount started first; before each round the image is forgotten and
# unmounted, so every layer is garbage to gc until the mount records it.
# One vCPU is enough: the two processes switch where they block (the
# store's files, fsync, the lock), which is where the race is; gc without
# its lock (mutant gc_ignores_lock) fails in the first round with one.
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

sample_image "$T/img"
mkdir "$T/m"
S=$T/store
dig=$(manifest_digest "$T/img")
must "$LM" -q --store "$S" unpack "$T/img"
# file_is PATH WANT LAYER: the mount's PATH holds WANT, compared as
# "$(cat PATH)" would be (trailing newlines dropped), without a process
nl='
'
file_is() {
	v=
	# shellcheck disable=SC3045 # busybox ash's read has -d
	IFS= read -r -d '' v < "$T/m/$1" || true	# (the whole file: no NUL)
	while [ "${v%"$nl"}" != "$v" ]; do v=${v%"$nl"}; done
	assert_eq "$v" "$2" "round $round: $3 layer"
}
round=0
while [ "$round" -lt 100 ]; do
	must "$LM" -q --store "$S" rm "$dig"
	if [ $((round % 2)) = 0 ]; then
		"$LM" -q --store "$S" gc > /dev/null &
		gc=$!
		"$LM" -q --store "$S" "$T/img" "$T/m" || fail "round $round: mount after gc started"
	else
		"$LM" -q --store "$S" "$T/img" "$T/m" &
		mnt=$!
		"$LM" -q --store "$S" gc > /dev/null || fail "round $round: gc"
		wait "$mnt" || fail "round $round: mount before gc"
		gc=
	fi
	[ -z "$gc" ] || wait "$gc" || fail "round $round: gc"
	# every layer is still there under the mount (read and a glob, not
	# cat and count: a process costs 20-90 ms under TCG, 100 rounds over;
	# a store that cannot be listed counts 0, which fails too)
	file_is etc/os-release ID=test bottom
	file_is data/new new middle
	file_is top top top
	n=0
	for e in "$S/layers"/* "$S/layers"/.[!.]* "$S/layers"/..?*; do
		if [ -e "$e" ] || [ -L "$e" ]; then n=$((n + 1)); fi
	done
	assert_eq "$n" 3 "round $round: layers"
	must "$LM" -q umount "$T/m"
	round=$((round + 1))
done
log "100 rounds"
