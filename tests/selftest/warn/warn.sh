#!/bin/sh
# A WARNING in the kernel log fails the test that provoked it, although
# the test itself exits 0.
. /tests/lib.sh
echo 1 > /sys/module/lfs_selftest/parameters/warn
