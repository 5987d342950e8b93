#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The mounted root carries the image's root metadata (the topmost layer with
# a root entry) even when the top layer has none: read-only and with upper.
. tests/host/lib.sh

mkdir "$T/mnt"
can_mount_overlay

mkimage share_a "$T/img"	# layer 1 has "./" 0755, layer 2 none
l1=$(layer "$T/img" 1)
lm -q unpack "$T/img"
chmod 711 "$l1"			# pretend layer 1's root entry said 0711
chown 5:6 "$l1"
m=$T/mnt
for mode in --read-only ""; do
	lm -q --type overlay $mode "$T/img" "$m"
	[ "$(stat -c '%a %u %g' "$m")" = "711 5 6" ] ||
		fail "root of $mode mount: $(stat -c '%a %u %g' "$m")"
	lm umount "$m"
done
