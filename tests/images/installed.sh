#!/bin/sh
# timeout: 300
# layerfs as `make install` and DKMS install it (tests/host/install_dkms.sh
# puts both trees in /tests/data, and boots this guest without layerfs
# loaded): from each tree, mounted on /lib/modules/RELEASE, `modprobe
# layerfs` loads the module from updates/ (make install) or updates/dkms/
# (DKMS) with the version of VERSION, and the installed layermount mounts
# an image on it. The DKMS module stays loaded for the closing rmmod.
. /tests/lib.sh
D=/tests/data
LM=$D/install/usr/local/sbin/layermount
. /tests/guest/layermount-lib.sh

rel=$(uname -r)
ver=$(cat $D/VERSION) || fail "no $D/VERSION (run through tests/host/install_dkms.sh)"
grep -q '^layerfs ' /proc/modules && fail "layerfs is loaded before modprobe (vm/run.sh --no-layerfs)"
assert_eq "$("$LM" --version)" "layermount $ver" "installed layermount --version"

# kmod's modprobe (busybox's reads neither modules.dep.bin nor .ko.xz),
# with the libraries it was linked with
ln -s $D/bin/kmod "$T/modprobe" || fail "ln kmod"
kmodprobe() { LD_LIBRARY_PATH=$D/lib "$T/modprobe" "$@"; }

sample_setup
mkdir -p "/lib/modules/$rel" || fail "mkdir /lib/modules/$rel"
for tree in install dkms; do
	# what modprobe --show-depends prints (a pattern)
	case $tree in
	install) want="insmod /lib/modules/$rel/updates/layerfs.ko " ;;
	dkms)	want="insmod /lib/modules/$rel/updates/dkms/layerfs.ko* " ;;
	esac
	must mount --bind "$D/$tree/lib/modules/$rel" "/lib/modules/$rel"
	dep=$(kmodprobe --show-depends layerfs) || fail "$tree: modprobe --show-depends layerfs"
	# shellcheck disable=SC2254 # want is a pattern
	case $dep in
	$want) ;;
	*)	fail "$tree: modprobe --show-depends says '$dep', not '$want'" ;;
	esac
	kmodprobe layerfs || fail "$tree: modprobe layerfs failed"
	grep -qw layerfs /proc/filesystems || fail "$tree: no layerfs in /proc/filesystems"
	assert_eq "$(cat /sys/module/layerfs/version)" "$ver" "$tree: module version"
	mount_ro layerfs "$T/img"
	assert_eq "$(cat "$T/m/etc/os-release")" "ID=test" "$tree: a file of the bottom layer"
	assert_eq "$(cat "$T/m/data/new")" "new" "$tree: a file of the second layer"
	[ ! -e "$T/m/gone" ] || fail "$tree: a whiteout shows nothing"
	umount_m
	log "$tree: modprobe loaded ${dep#insmod }, version $ver, a layermount mount works"
	# the closing rmmod of vm/init takes the last one
	[ $tree = dkms ] || kmodprobe -r layerfs || fail "$tree: modprobe -r layerfs"
	must umount "/lib/modules/$rel"
done
