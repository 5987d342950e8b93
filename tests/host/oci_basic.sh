#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An OCI layout of three layers (gzip, zstd, plain tar) unpacks into one
# overlayfs-format directory per layer, with owners, modes, links, devices,
# whiteouts and opaque directories; a second run reads nothing.
. tests/host/lib.sh

mkimage basic "$T/img"
lm unpack "$T/img" >"$RUN/out"
[ "$(grep -c ': unpacked' "$RUN/out")" -eq 3 ] || fail "not 3 layers unpacked"
[ "$(stat -c %a "$STORE")" = 700 ] || fail "store mode is not 0700"

l1=$(layer "$T/img" 1) l2=$(layer "$T/img" 2) l3=$(layer "$T/img" 3)
for l in "$l1" "$l2" "$l3"; do [ -d "$l" ] || fail "missing layer $l"; done
[ "$(count "$STORE/layers")" -eq 3 ] || fail "extra layer dirs"

# Layer 1: files, hard link, symlink, setuid with numeric owner, devices.
[ "$(cat "$l1/etc/os-release")" = ID=test ] || fail "content"
[ "$(stat -c %i "$l1/bin/tool")" = "$(stat -c %i "$l1/bin/tool2")" ] ||
	fail "hard link not kept"
[ "$(readlink "$l1/bin/sh")" = tool ] || fail "symlink target"
[ "$(stat -c '%a %u %g' "$l1/suid")" = "4755 7 8" ] || fail "setuid/owner"
[ "$(stat -c '%F %t:%T' "$l1/null")" = "character special file 1:3" ] ||
	fail "device node"
[ -p "$l1/fifo" ] || fail "fifo"
[ "$(stat -c %Y "$l1/etc/os-release")" = 1700000000 ] || fail "mtime"
[ "$(stat -c %Y "$l1/etc")" = 1700000000 ] || fail "directory mtime"

# Layer 2: .wh.gone -> 0:0 device, .wh..wh..opq -> opaque xattr.
[ "$(stat -c '%F %t:%T' "$l2/gone")" = "character special file 0:0" ] ||
	fail "whiteout not converted"
[ "$(getfattr --only-values -n trusted.overlay.opaque "$l2/data")" = y ] ||
	fail "opaque xattr missing"
[ ! -e "$l2/.wh.gone" ] || fail "OCI whiteout .wh.gone left in the layer"
[ ! -e "$l2/data/.wh..wh..opq" ] || fail "OCI opaque marker left in the layer"
[ "$(stat -c '%a %u %g' "$l2/etc/added")" = "600 1000 1000" ] ||
	fail "owner of etc/added"

# Layer 3 (plain tar): its root entry gives the layer root's metadata.
[ "$(stat -c %a "$l3")" = 750 ] || fail "root entry mode not applied"
[ "$(readlink "$l3/abs")" = /etc/os-release ] || fail "absolute symlink"

lm unpack "$T/img" >"$RUN/out"
[ "$(grep -c ': present' "$RUN/out")" -eq 3 ] || fail "second run unpacked"
