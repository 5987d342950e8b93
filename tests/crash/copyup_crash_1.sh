#!/bin/sh
# timeout: 600
# Crash safety, phase 1 (tests/host/crash_safety.sh): on a persistent disk,
# copy up a large lower file and have the guest killed in the middle.
# The new content is the old one with a first byte "y" (lfsbench first-write).
# Before that, a complete copy-up (chmod of "done") has 7 s to reach the
# journal: its rename commits within ext4's 5 s, its data only because
# copy-up flushes them. Writeback is held off until the kill: no periodic
# flush (expiry 5 min) and no background flush (its threshold, half the
# memory, is far above the 270 MiB this test dirties). Otherwise a flush
# that starts with the oldest dirty file, "done", and a journal commit
# before the kill, both a matter of timing, could save its data without
# the fsync, and a copy-up that lacks it would pass in some runs.
. /tests/lib.sh

D=$T/disk
scratch_ext4 "$D"
mkdir -p "$D/lower" "$D/upper" "$D/work" "$D/m"
lfsbench mkfile "$D/lower/big" 128 > /dev/null
sha256sum < "$D/lower/big" | cut -d' ' -f1 > "$D/old.sha"
{ printf y; tail -c +2 "$D/lower/big"; } | sha256sum | cut -d' ' -f1 > "$D/new.sha"
sync
mount -t layerfs layerfs "$D/m" \
	-o "lowerdir=$D/lower,upperdir=$D/upper,workdir=$D/work" || fail "mount"
# calibrate: how long does the copy-up of an equal file take here?
lfsbench mkfile "$D/lower/cal" 128 > /dev/null
lfsbench mkfile "$D/lower/done" 8 > /dev/null
sha256sum < "$D/lower/done" | cut -d' ' -f1 > "$D/done.sha"
sync
echo 60 > /proc/sys/vm/dirty_ratio
echo 50 > /proc/sys/vm/dirty_background_ratio
echo 30000 > /proc/sys/vm/dirty_expire_centisecs
echo 30000 > /proc/sys/vm/dirty_writeback_centisecs
chmod 600 "$D/m/done"
sleep 7
t=$(lfsbench first-write "$D/m/cal") || fail "calibration copy-up"
ms=$(awk -v t="$t" 'BEGIN { printf "%d", t * 500 }')
log "a copy-up takes ${t}s here; killing the guest after ${ms}ms"
# the first write copies the whole file up; kill in the middle of it
lfsbench first-write "$D/m/big" > /dev/null &
pid=$!
usleep $((ms * 1000))
kill -0 $pid 2>/dev/null || fail "the copy-up finished before the kill"
request_kill
