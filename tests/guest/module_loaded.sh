#!/bin/sh
# The module is loaded and registers the layerfs filesystem type.
. /tests/lib.sh

grep -q '^layerfs ' /proc/modules || fail "layerfs is not in /proc/modules"
grep -qw layerfs /proc/filesystems || fail "layerfs is not in /proc/filesystems"
