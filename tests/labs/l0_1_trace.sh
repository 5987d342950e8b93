#!/bin/sh
# With dynamic debug on for layerfs_do_lookup(), a lookup in the union
# logs one "lookup(PARENT, NAME) = ..." line per layer it asks.
. /tests/lib.sh
. /tests/guest/union-lib.sh

ctl=/proc/dynamic_debug/control
[ -w "$ctl" ] || fail "no $ctl: the kernel lacks CONFIG_DYNAMIC_DEBUG"
mkdir -p "$T/l1" "$T/l2"
echo x > "$T/l2/seen"
lmount "$T/m" "lowerdir=$T/l1:$T/l2"
echo 'module layerfs func layerfs_do_lookup +p' > "$ctl" ||
	fail "cannot turn on the trace"
at_exit "echo 'module layerfs -p' > $ctl"
klog_mark
assert_eq "$(content "$T/m/seen")" x "the file of the second layer"
log=$(klog_since)
printf '%s\n' "$log" | grep -E 'lookup\(/?l1, seen\) = 0 \(negative\)' > /dev/null ||
	fail "no trace of the lookup in the first layer: $log"
printf '%s\n' "$log" | grep -E 'lookup\(/?l2, seen\) = 0$' > /dev/null ||
	fail "no trace of the lookup in the second layer: $log"
lumount "$T/m"
