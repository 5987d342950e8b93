#!/bin/sh
# timeout: 600
# make demo: the main job, in a freshly booted guest.
. /tests/lib.sh

step() {
	echo
	echo "### $*"
}

step "kernel"
uname -r
step "insmod layerfs.ko"
must insmod /lib/modules/layerfs.ko
grep '^layerfs ' /proc/modules
step "the filesystem type is registered"
grep -w layerfs /proc/filesystems || fail "layerfs not in /proc/filesystems"
