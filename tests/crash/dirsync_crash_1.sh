#!/bin/sh
# timeout: 300
# Durable directory fsync, phase 1 (tests/host/crash_safety.sh):
# on a persistent ext4 upper without periodic journal commits, the
# write-tmp / fsync / rename / fsync-dir pattern in three union
# directories (the merged root, a copied-up lower directory, a new one),
# then the guest is killed without a sync. Phase 2 wants every rename.
. /tests/lib.sh

D=$T/disk
scratch_ext4 "$D"
# only an fsync commits the journal from here on
must mount -o remount,commit=600 "$D"
must mkdir -p "$D/lower/d" "$D/upper" "$D/work" "$D/m"
echo old > "$D/lower/d/old" || fail "lower file"
must mount -t layerfs layerfs "$D/m" \
	-o "lowerdir=$D/lower,upperdir=$D/upper,workdir=$D/work"
M=$D/m
must mkdir "$M/n"
must sync

# the new files are on disk first (a file fsync commits the whole journal)
for dir in . d n; do
	echo "new $dir" > "$M/$dir/tmp" || fail "write $dir/tmp"
	assert_eq "$(tryop fsync "$M/$dir/tmp")" OK "fsync $dir/tmp"
done
# then one rename per directory, each made durable by its own directory
# fsync alone
for dir in . d n; do
	must mv "$M/$dir/tmp" "$M/$dir/final"
	assert_eq "$(tryop dirsync "$M/$dir")" OK "fsync of directory $dir"
done
request_kill
