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
	# every layer is still there under the mount
	assert_eq "$(cat "$T/m/etc/os-release")" ID=test "round $round: bottom layer"
	assert_eq "$(cat "$T/m/data/new")" new "round $round: middle layer"
	assert_eq "$(cat "$T/m/top")" top "round $round: top layer"
	assert_eq "$(count "$S/layers")" 3 "round $round: layers"
	must "$LM" -q umount "$T/m"
	round=$((round + 1))
done
log "100 rounds"
