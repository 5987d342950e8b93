#!/bin/sh
# A module that will not unload fails the run at the closing rmmod.
. /tests/lib.sh
echo 1 > /sys/module/lfs_selftest/parameters/pin
