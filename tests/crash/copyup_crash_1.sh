#!/bin/sh
# timeout: 600
# Crash safety, phase 1 (tests/host/crash_safety.sh): on a persistent disk,
# copy up a large lower file and have the guest killed in the middle.
# The new content is the old one with a first byte "y" (lfsbench first-write).
# Before that, a complete copy-up (chmod of "done") has 7 s to reach the
# journal: its rename commits within ext4's 5 s, its data only because
# copy-up flushes them. Writeback is held off until the kill: no periodic
# flush (expiry 5 min) and no background flush (its threshold, half the
# memory, is far above the 140 MiB this test dirties). Otherwise a flush
# that starts with the oldest dirty file, "done", and a journal commit
# before the kill, both a matter of timing, could save its data without
# the fsync, and a copy-up that lacks it would pass in some runs.
# The middle of the copy-up is watched, not timed: the kill is requested
# once its temporary copy in W/work/ holds half the data, and counts only
# if the copy was not yet renamed to upper/big when it landed.
. /tests/lib.sh

D=$T/disk
size=134217728
scratch_ext4 "$D"
mkdir -p "$D/lower" "$D/upper" "$D/work" "$D/m"
# (phase 2 compares the files with what lfsbench mkfile writes)
lfsbench mkfile "$D/lower/big" $((size / 1048576)) > /dev/null
lfsbench mkfile "$D/lower/done" 8 > /dev/null
sync
mount -t layerfs layerfs "$D/m" \
	-o "lowerdir=$D/lower,upperdir=$D/upper,workdir=$D/work" || fail "mount"
echo 60 > /proc/sys/vm/dirty_ratio
echo 50 > /proc/sys/vm/dirty_background_ratio
echo 30000 > /proc/sys/vm/dirty_expire_centisecs
echo 30000 > /proc/sys/vm/dirty_writeback_centisecs
chmod 600 "$D/m/done"
sleep 7
[ -f "$D/upper/done" ] || fail "chmod did not copy done up"
assert_eq "$(names "$D/work/work")" "" "workdir after the copy-up of done"

# copying: big's copy-up is under way: its temporary copy is in W/work/
# (the only entry there) and not yet renamed to upper/big (the rename
# empties W/work/, so either test sees it)
# shellcheck disable=SC2317 # called by request_kill_during
copying() {
	set -- "$D/work/work/"*
	[ -e "$1" ] && [ ! -e "$D/upper/big" ]
}

# the first write copies the whole file up; kill in the middle of it
lfsbench first-write "$D/m/big" > /dev/null &
i=0
while [ ! -e "$D/upper/big" ]; do
	set -- "$D/work/work/"*
	# (0 when the copy is renamed meanwhile)
	got=$(stat -c %s "$1" 2> /dev/null) || got=0
	[ "$got" -lt $((size / 2)) ] || break
	i=$((i + 1))
	[ $i -lt 15000 ] || fail "the copy-up of big has not reached half its data in 300 s"
	usleep 20000
done
request_kill_during "the copy-up of big had ${got:-all} of $size bytes in W/work/" copying
