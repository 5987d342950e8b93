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
if [ -d "$D/work/work" ]; then
	log "workdir before the mount: $(names "$D/work/work")"
else
	log "workdir before the mount: no work/"
fi
mount -t layerfs layerfs "$D/m" \
	-o "lowerdir=$D/lower,upperdir=$D/upper,workdir=$D/work" || fail "remount"
assert_eq "$(names "$D/work/work")" "" "workdir emptied at mount"
got=$(sha256sum < "$D/m/big" | cut -d' ' -f1)
if [ "$got" = "$(cat "$D/old.sha")" ]; then
	log "the file shows the complete old content"
elif [ "$got" = "$(cat "$D/new.sha")" ]; then
	log "the file shows the complete new content"
else
	fail "the file is neither the old nor the new content"
fi
# the copy-up completed 7 s before the crash is there, data included
[ -f "$D/upper/done" ] || fail "the copy-up of done did not survive the crash"
assert_eq "$(sha256sum < "$D/upper/done" | cut -d' ' -f1)" "$(cat "$D/done.sha")" \
	"data of the copy-up completed before the crash"
[ -e "$D/upper/big" ] && [ "$(stat -c %s "$D/upper/big")" != 134217728 ] &&
	fail "partial file in upper: $(stat -c %s "$D/upper/big") bytes"
umount "$D/m"
umount "$D"
