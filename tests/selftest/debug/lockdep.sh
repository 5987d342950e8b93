#!/bin/sh
# Debug kernels only (vm/check-debug.sh): lockdep reports a lock order
# inversion, and the report fails the test. Runs before slab_oob: a KASAN
# report turns lockdep off.
. /tests/lib.sh
echo 1 > /sys/module/lfs_selftest/parameters/lockinv
