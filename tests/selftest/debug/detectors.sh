#!/bin/sh
# Debug kernels only (vm/check-debug.sh): the detectors make check-debug
# relies on are really on in the running kernel.
. /tests/lib.sh

grep -q 'KernelAddressSanitizer initialized' /tmp/boot.klog ||
	fail "no KASAN in the boot log"
[ -e /proc/lockdep ] || fail "no lockdep (/proc/lockdep)"
[ -w /sys/kernel/debug/kmemleak ] || fail "no kmemleak (/sys/kernel/debug/kmemleak)"
[ -d /sys/kernel/debug/failslab ] || fail "no failslab in debugfs"
[ -d /sys/kernel/debug/fail_page_alloc ] || fail "no fail_page_alloc in debugfs"
[ -e /proc/self/fail-nth ] || fail "no /proc/self/fail-nth"
log "$(grep -m 1 'KernelAddressSanitizer' /tmp/boot.klog)"
