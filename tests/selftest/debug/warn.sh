#!/bin/sh
# Debug kernels only (vm/check-debug.sh): a WARNING in the kernel log fails
# the test that provoked it, as on the stock kernels.
. /tests/lib.sh
echo 1 > /sys/module/lfs_selftest/parameters/warn
