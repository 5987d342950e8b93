#!/bin/sh
# Debug kernels only (vm/check-debug.sh): KASAN reports a read past the end
# of a slab object in a module, and the report fails the test.
. /tests/lib.sh
echo 1 > /sys/module/lfs_selftest/parameters/oob
