#!/bin/sh
# Crash safety, phase 2: after the crash of phase 1, remount the same upper:
# the file shows the complete old or the complete new content, the lower is
# intact, and the workdir has been emptied by the mount.
. /tests/lib.sh

D=$T/disk
disk_mount "$D"
[ -f "$D/lower/done" ] || fail "phase 1 left no state on the disk"
# (lfsbench checkfile: "mkfile" for what lfsbench mkfile wrote,
# "first-write" for that with the first byte written by first-write)
assert_eq "$(lfsbench checkfile "$D/lower/big" 128)" mkfile \
	"lower file after the crash"
if [ -d "$D/work/work" ]; then
	log "workdir before the mount: $(names "$D/work/work")"
else
	log "workdir before the mount: no work/"
fi
mount -t layerfs layerfs "$D/m" \
	-o "lowerdir=$D/lower,upperdir=$D/upper,workdir=$D/work" || fail "remount"
assert_eq "$(names "$D/work/work")" "" "workdir emptied at mount"
got=$(lfsbench checkfile "$D/m/big" 128)
case $got in
mkfile) log "the file shows the complete old content" ;;
first-write) log "the file shows the complete new content" ;;
*) fail "the file is neither the old nor the new content ($got)" ;;
esac
# the copy-up completed 7 s before the crash is there, data included
[ -f "$D/upper/done" ] || fail "the copy-up of done did not survive the crash"
assert_eq "$(lfsbench checkfile "$D/upper/done" 8)" mkfile \
	"data of the copy-up completed before the crash"
[ -e "$D/upper/big" ] && [ "$(stat -c %s "$D/upper/big")" != 134217728 ] &&
	fail "partial file in upper: $(stat -c %s "$D/upper/big") bytes"
umount "$D/m"
umount "$D"
