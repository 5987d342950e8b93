#!/bin/sh
# Crash safety, phase 2: after the crash of phase 1, remount the same upper:
# the file shows the complete old or the complete new content, the lower is
# intact, and the workdir has been emptied by the mount.
. /tests/lib.sh

D=$T/disk
disk_mount "$D"
[ -f "$D/old.sha" ] || fail "phase 1 left no state on the disk"
assert_eq "$(sha256sum < "$D/lower/big" | cut -d' ' -f1)" "$(cat "$D/old.sha")" \
	"lower file after the crash"
log "workdir before the mount: $(ls -A "$D/work/work" 2>/dev/null | tr '\n' ' ')"
mount -t layerfs layerfs "$D/m" \
	-o "lowerdir=$D/lower,upperdir=$D/upper,workdir=$D/work" || fail "remount"
[ -z "$(ls -A "$D/work/work" 2>/dev/null)" ] ||
	fail "workdir not emptied at mount: $(ls -A "$D/work/work")"
got=$(sha256sum < "$D/m/big" | cut -d' ' -f1)
if [ "$got" = "$(cat "$D/old.sha")" ]; then
	log "the file shows the complete old content"
elif [ "$got" = "$(cat "$D/new.sha")" ]; then
	log "the file shows the complete new content"
else
	fail "the file is neither the old nor the new content"
fi
[ -e "$D/upper/big" ] && [ "$(stat -c %s "$D/upper/big")" != 134217728 ] &&
	fail "partial file in upper: $(stat -c %s "$D/upper/big") bytes"
umount "$D/m"
umount "$D"
