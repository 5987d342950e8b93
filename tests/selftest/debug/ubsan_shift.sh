#!/bin/sh
# Debug kernels only (vm/check-debug.sh): UBSAN instruments modules built
# against the debug kernel and reports an out-of-bounds shift.
. /tests/lib.sh
echo 1 > /sys/module/lfs_selftest/parameters/shift
