#!/bin/sh
# fcntl(F_SETFL) on a union file reaches the real file behind it: clearing
# O_APPEND makes pwrite write where it is told to, setting O_DIRECT makes
# the real filesystem do direct I/O. Each compared with the same on ext4.
# (O_NOATIME reaches the real file too, but nothing shows it: layerfs
# reads never update atime, see layerfs.rst.)
. /tests/lib.sh
. /tests/guest/union-lib.sh

scratch_ext4 "$T/disk"
D=$T/disk
must mkdir -p "$D/l1" "$D/u" "$D/w" "$D/direct"
for f in app app_up dio; do
	for d in "$D/l1" "$D/direct"; do
		must dd if=/dev/zero of="$d/$f" bs=4096 count=2 2> /dev/null
	done
done
M=$T/m
lmount "$M" "lowerdir=$D/l1,upperdir=$D/u,workdir=$D/w"
must touch -c "$M/app_up"

# O_APPEND cleared: pwrite at offset 0 overwrites the first byte
for f in "$D/direct/app" "$M/app" "$M/app_up"; do
	assert_eq "$(privop setfl_append "$f")" OK "F_SETFL ~O_APPEND on $f"
	assert_eq "$(head -c 1 "$f")" X "pwrite at 0 after clearing O_APPEND ($f)"
	assert_eq "$(stat -c %s "$f")" 8192 "size after pwrite at 0 ($f)"
done

# O_DIRECT set: an unaligned write fails on ext4 as it does directly
assert_eq "$(privop setfl_direct "$D/direct/dio")" EINVAL "direct: unaligned O_DIRECT write"
assert_eq "$(privop setfl_direct "$M/dio")" EINVAL "union: unaligned O_DIRECT write"

lumount "$M"
