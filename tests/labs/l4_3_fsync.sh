#!/bin/sh
# Copy-up flushes the copy in the work directory (fsync) before it is
# renamed to its name: the trace of layerfs_do_fsync() shows it.
. /tests/lib.sh
. /tests/guest/union-lib.sh

ctl=/proc/dynamic_debug/control
mkdir -p "$T/l1" "$T/u" "$T/w"
echo old > "$T/l1/f"
lmount "$T/m" "lowerdir=$T/l1,upperdir=$T/u,workdir=$T/w"
echo 'module layerfs func layerfs_do_fsync +p' > "$ctl" ||
	fail "cannot turn on the trace"
at_exit "echo 'module layerfs -p' > $ctl"
klog_mark
echo new >> "$T/m/f" || fail "cannot append to a lower file"
log=$(klog_since)
printf '%s\n' "$log" | grep 'fsync(work/#[0-9a-f]*, 0) = 0' > /dev/null ||
	fail "the copy was not flushed in the work directory: '$log'"
lumount "$T/m"
