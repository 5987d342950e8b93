#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Mount with --type overlay on the host: merged view (deletion, opaque
# directory), image root metadata, copy-up into an ephemeral upper under the
# store that umount removes, nodev and nosuid by default, --dev, --suid,
# -o, --read-only and a persistent --upper.
. tests/host/lib.sh

mkdir "$T/mnt"
can_mount_overlay

mkimage basic "$T/img"
m=$T/mnt
# has_flag FLAG: the per-mount flags of $m (not its paths, which may
# contain any word) include FLAG; the flags in $RUN/flags, one a line
has_flag() {
	grep " $m " /proc/self/mountinfo | cut -d' ' -f6 | tr , '\n' >"$RUN/flags"
	grep -qx "$1" "$RUN/flags"
}
lm -q --type overlay "$T/img" "$m"
trap 'umount "$m" 2>/dev/null || true' EXIT
[ "$(cat "$m/top")" = "top layer" ] || fail "top layer file"
[ "$(cat "$m/etc/os-release")" = ID=test ] || fail "bottom layer file"
[ ! -e "$m/gone" ] || fail "whiteout did not hide gone"
[ "$(ls "$m/data")" = new ] || fail "opaque data/ shows: $(ls "$m/data")"
[ "$(stat -c %a "$m")" = 750 ] || fail "root mode is not the image's"
has_flag nodev || fail "not nodev"
has_flag nosuid || fail "not nosuid"

echo changed >"$m/etc/os-release"
upper=$(ls -d "$STORE"/mounts/*/upper)
[ "$(cat "$upper/etc/os-release")" = changed ] || fail "no copy-up to upper"
[ "$(cat "$(layer "$T/img" 1)/etc/os-release")" = ID=test ] ||
	fail "lower layer modified"
lm umount "$m"
grep -q " $m " /proc/self/mountinfo && fail "still mounted"
[ -z "$(ls "$STORE/mounts")" ] || fail "ephemeral upper not removed"
[ "$(count "$STORE/layers")" -eq 3 ] || fail "umount touched the store"

lm -q --type overlay --dev "$T/img" "$m"
has_flag nodev && fail "--dev still nodev"
has_flag nosuid || fail "--dev: not nosuid"
lm umount "$m"
lm -q --type overlay --suid "$T/img" "$m"
has_flag nosuid && fail "--suid still nosuid"
has_flag nodev || fail "--suid: not nodev"
lm umount "$m"
lm -q --type overlay -o noexec,noatime "$T/img" "$m"
for fl in noexec noatime nosuid nodev rw; do
	has_flag $fl || fail "-o: no $fl in $(cat "$RUN/flags")"
done
lm umount "$m"
lm -q --type overlay -o ro "$T/img" "$m"
touch "$m/x" 2>/dev/null && fail "-o ro mount is writable"
lm umount "$m"

lm -q --type overlay --read-only "$T/img" "$m"
touch "$m/x" 2>/dev/null && fail "read-only mount is writable"
[ "$(stat -c %a "$m")" = 750 ] || fail "read-only root mode"
lm umount "$m"

lm -q --type overlay --upper "$T/keep" "$T/img" "$m"
echo kept >"$m/newfile"
lm umount "$m"
lm -q --type overlay --upper "$T/keep" "$T/img" "$m"
[ "$(cat "$m/newfile")" = kept ] || fail "--upper did not keep changes"
lm umount "$m"
[ -z "$(ls "$STORE/mounts")" ] || fail "mount state left in the store"
