#!/bin/sh
# timeout: 300
# A mount's state stays while the mount may still be in use: after umount
# here while a copy lives in another mount namespace (gc removes it once
# that is gone), and after a lazy umount while a process still works in
# the detached mount (gc removes it only after a reboot, simulated by
# records from an earlier boot).
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

sample_image "$T/img"
mkdir "$T/m"
S=$T/store
# gc_says WHAT...: gc, its lines but the summary
gc_says() {
	out=$("$LM" --store "$S" gc) || fail "gc failed"
	printf '%s\n' "$out" | sed '$d'
}
# status: the status of the one mount in ls --json
status() {
	js=$("$LM" --store "$S" ls --json) || fail "ls --json"
	printf '%s\n' "$js" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p'
}

for type in layerfs overlay; do
	# a copy in another mount namespace
	must "$LM" -q --store "$S" --type "$type" "$T/img" "$T/m"
	id=$(names "$S/mounts")
	echo alive > "$T/m/f" || fail "$type: write"
	unshare -m sh -c "echo ready > '$T/ready' && exec sleep 1000" &
	pid=$!
	at_exit "kill $pid 2>/dev/null || true"
	while [ ! -e "$T/ready" ]; do sleep 0.1; done
	rm "$T/ready"
	must "$LM" -q umount "$T/m"
	is_mounted "$T/m" && fail "$type: still mounted here"
	assert_eq "$(nsenter -t "$pid" -m cat "$T/m/f")" alive \
		"$type: the copy in the other namespace"
	assert_eq "$(names "$S/mounts")" "$id" "$type: state of a mount alive elsewhere"
	assert_eq "$(status)" alive "$type: ls status"
	assert_eq "$(gc_says)" "" "$type: gc with the copy alive"
	assert_eq "$(cat "$S/mounts/$id/upper/f")" alive "$type: upper kept"
	kill "$pid"
	wait "$pid" || true	# killed
	assert_eq "$(status)" dead "$type: ls status, the copy gone"
	assert_eq "$(gc_says)" "mount $id $T/m" "$type: gc, the copy gone"
	assert_eq "$(count "$S/mounts")" 0 "$type: state after gc"

	# lazily detached, still used by a process working in it
	must "$LM" -q --store "$S" --type "$type" "$T/img" "$T/m"
	id=$(names "$S/mounts")
	sh -c "cd '$T/m' && echo ready > '$T/ready' && exec sleep 1000" &
	pid=$!
	at_exit "kill $pid 2>/dev/null || true"
	while [ ! -e "$T/ready" ]; do sleep 0.1; done
	rm "$T/ready"
	must "$LM" -q umount -l "$T/m"
	is_mounted "$T/m" && fail "$type: lazy: still mounted here"
	# really alive: the process writes through it into the upper
	echo late > "/proc/$pid/cwd/late" || fail "$type: write to the detached mount"
	assert_eq "$(cat "$S/mounts/$id/upper/late")" late "$type: lazy: upper in use"
	assert_eq "$(status)" detached "$type: lazy: ls status"
	assert_eq "$(gc_says)" "" "$type: gc of a detached mount"
	kill "$pid"
	wait "$pid" || true	# killed
	assert_eq "$(gc_says)" "" "$type: gc of a detached mount, same boot"
	assert_eq "$(names "$S/mounts")" "$id" "$type: lazy: state in this boot"
	old_boot "$S"
	assert_eq "$(status)" dead "$type: lazy: ls status after a reboot"
	assert_eq "$(gc_says)" "mount $id $T/m" "$type: gc after a reboot"
	assert_eq "$(count "$S/mounts")" 0 "$type: lazy: state after gc"
done
