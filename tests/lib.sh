# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for in-guest tests (busybox sh). A test sources this file,
# works in $T (a fresh tmpfs), and exits 0 (pass), 77 (skip) or anything
# else (fail). vm/init reports the last "FAIL:" or "SKIP:" line as reason.

log() {
	echo "# $*"
}

fail() {
	echo "FAIL: $*"
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# assert_eq ACTUAL EXPECTED WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

# must CMD...: run a command that has to succeed
must() {
	"$@" || fail "command failed ($?): $*"
}

# scratch_ext4 DIR: format the scratch disk /dev/vda as ext4, mount it on DIR
scratch_ext4() {
	[ -b /dev/vda ] || skip "no scratch disk /dev/vda"
	# the full path: busybox sh would run its own (ext2-only) applet
	/sbin/mke2fs -q -F -t ext4 /dev/vda > /dev/null || fail "mke2fs /dev/vda"
	mkdir -p "$1"
	mount -t ext4 /dev/vda "$1" || fail "mount /dev/vda on $1"
}

# klog_mark; ...; klog_since: the kernel log lines logged after the mark
# (the log is not consumed: the harness still checks it after the test)
klog_mark() {
	KLOG_MARK=$((${KLOG_MARK:-0} + 1))
	echo "lfs-test-mark-$KLOG_MARK" > /dev/kmsg
}

klog_since() {
	# a record cut at the printk size limit loses its newline and stays
	# open until the next message: write one
	echo "lfs-test-mark-$KLOG_MARK-end" > /dev/kmsg
	dmesg | sed -n "/lfs-test-mark-$KLOG_MARK\$/,/lfs-test-mark-$KLOG_MARK-end/p" |
		sed '1d;$d'
}

# request_kill: have the host kill this guest now, as a crash would (only
# in runs with a persistent disk, vm/run.sh --disk-image)
request_kill() {
	echo KILL > /dev/ttyS1
	sleep 600
	fail "the host did not kill the guest"
}

# disk_mount DIR: mount the (persistent) disk /dev/vda as it is on DIR
disk_mount() {
	mkdir -p "$1"
	mount -t ext4 /dev/vda "$1" || fail "mount /dev/vda on $1"
}
