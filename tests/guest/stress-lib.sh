# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The stress run, sourced by tests/guest/stress_short.sh (make
# check) and tests/stress/stress_fs.sh (make stress): stress-ng's
# filesystem stressors on a layerfs mount whose lowers hold content, while
# a copy-up storm writes to the same lower files from many processes and
# readdir races unlink and rename in a merged directory. Afterwards: no
# whiteout visible through the mount, W/work/ empty, lowers unchanged, the
# storm's writes all present. Layers on the ext4 scratch disk (user xattrs).
# LFS_STRESS_FS=overlay runs the same against overlayfs (to check the test).

. /tests/guest/layermount-lib.sh	# tree_fast

FS=${LFS_STRESS_FS:-layerfs}

# lower_sum DIR: one hash of what tree_fast prints of DIR (names, types,
# modes, owners, sizes, contents, link targets, device numbers; a few
# commands for all the files, not a few per file)
lower_sum() {
	tree_fast "$1" | sha256sum | cut -d' ' -f1
}

# stress_run SECONDS NPROC
stress_run() {
	dur=$1 np=$2
	D=$T/d
	scratch_ext4 "$D"
	mkdir -p "$D/l1/m" "$D/l2/m" "$D/l3/m" "$D/u" "$D/w" "$D/mnt"
	for l in 1 2 3; do
		lfsbench mkflat "$D/l$l/m" 200 "l$l." 100 > /dev/null
		lfsbench mkfile "$D/l$l/storm$l" 4 > /dev/null
	done
	mknod "$D/l1/m/l2.000007" c 0 0
	before=$(lower_sum "$D/l1")$(lower_sum "$D/l2")$(lower_sum "$D/l3")
	if [ "$FS" = overlay ]; then
		mount -t overlay overlay "$D/mnt" -o "lowerdir=$D/l1:$D/l2:$D/l3,upperdir=$D/u,workdir=$D/w,redirect_dir=off,index=off,xino=off,metacopy=off" ||
			fail "mount overlay"
	else
		mount -t layerfs layerfs "$D/mnt" -o "lowerdir=$D/l1:$D/l2:$D/l3,upperdir=$D/u,workdir=$D/w" ||
			fail "mount layerfs"
	fi
	M=$D/mnt
	mkdir -p "$M/stress"

	stress-ng --temp-path "$M/stress" --timeout "${dur}s" --metrics-brief \
		--dir 1 --dentry 1 --rename 1 --link 1 --symlink 1 --xattr 1 \
		--mmap 1 --mmap-bytes 8M --fallocate 1 --fallocate-bytes 8M \
		--flock 1 --open 1 --chmod 1 --chown 1 --utime 1 --seek 1 \
		--seek-size 8M --readahead 1 --readahead-bytes 8M \
		--hdd 1 --hdd-bytes 8M > "$T/stress-ng.log" 2>&1 &
	sng=$!

	# copy-up storm: NPROC writers, each its own 4 KiB blocks of every file
	# (writer i: blocks i, i + 7 NPROC, ... below 1024)
	i=0 writers=
	while [ $i -lt "$np" ]; do
		(for l in 1 2 3; do
			b=$i
			while [ $b -lt 1024 ]; do
				printf "%04d" $i | dd of="$M/storm$l" bs=4 seek=$((b * 1024)) \
					conv=notrunc 2>/dev/null ||
					fail "writer $i: block $b of storm$l"
				b=$((b + np * 7))
			done
		done) &
		writers="$writers $!"
		i=$((i + 1))
	done

	# readdir racing unlink and rename in the merged directory
	(end=$(($(date +%s) + dur)) n=0
	while [ "$(date +%s)" -lt $end ]; do
		lfsbench readdir "$M/m" > /dev/null || exit 1
		n=$((n + 1))
	done
	log "readdir passes of the merged directory: $n") &
	rd=$!
	(for f in $(seq -w 0 199); do
		rm -f "$M/m/l3.000$f"
		# l2.000007 is whited out in l1: its rename alone fails
		mv "$M/m/l2.000$f" "$M/m/moved.000$f" 2>/dev/null || [ "$f" = 007 ]
	done) &
	mv=$!

	wait $mv || fail "unlink and rename in the merged directory"
	wait $rd || fail "readdir during unlink and rename"
	rc=0
	wait $sng || rc=$?
	log "stress-ng: $(grep -E 'passed|failed|successful' "$T/stress-ng.log" | tail -n 2 | tr '\n' ' ')"
	# bogo operations per stressor (--metrics-brief) and their sum
	log "stress-ng ops in ${dur}s: $(awk '$2 == "metrc:" && $5 ~ /^[0-9]+$/ {
		printf "%s=%s ", $4, $5; n += $5 } END { printf "total=%d", n }' \
		"$T/stress-ng.log")"
	[ $rc -eq 0 ] || { cat "$T/stress-ng.log"; fail "stress-ng exited $rc"; }
	if grep -q ' fail: ' "$T/stress-ng.log"; then
		grep ' fail: ' "$T/stress-ng.log"
		fail "stress-ng: $(grep ' fail: ' "$T/stress-ng.log" | head -n 1 | cut -c 1-200)"
	fi
	for w in $writers; do
		wait "$w" || fail "a copy-up storm writer failed"
	done
	# every block of every writer landed: writer i's stamp heads blocks
	# i, i + 7 NPROC, ... (one rio per file reads every block's head)
	for l in 1 2 3; do
		rio heads "$M/storm$l" 4096 4 > "$T/heads$l" ||
			fail "reading the blocks of storm$l"
		awk -v np="$np" -v l="$l" '
			(NR - 1) % (np * 7) < np {
				b = NR - 1; i = b % (np * 7); want = sprintf("%04d", i)
				if ($0 != want) {
					printf "storm%s block %d (writer %d): got '\''%s'\'', expected '\''%s'\''\n", l, b, i, $0, want
					exit 1
				}
			}' "$T/heads$l" > "$T/heads.err" ||
			fail "$(cat "$T/heads.err")"
		assert_eq "$(wc -l < "$T/heads$l")" 1024 "blocks of storm$l"
	done
	assert_eq "$(count "$M/m" '^l3\.')" 0 "l3 entries after unlink"
	assert_eq "$(count "$M/m" '^moved\.')" 199 "renamed entries (one was whited out in l1)"
	find "$M" > "$T/tree" 2> "$T/find.err" ||
		fail "find through the mount: $(head -n 1 "$T/find.err")"
	wc=$(find "$M" -type c -exec stat -c '%t:%T' {} + |
		awk '$0 == "0:0" { n++ } END { print n + 0 }')
	assert_eq "$wc" 0 "whiteouts visible through the mount"
	umount "$M" || fail "umount"
	# (overlayfs keeps a shared whiteout "#N" there until the next mount)
	[ "$FS" = overlay ] ||
		assert_eq "$(names "$D/w/work")" "" "W/work after the run"
	after=$(lower_sum "$D/l1")$(lower_sum "$D/l2")$(lower_sum "$D/l3")
	assert_eq "$after" "$before" "lowers after the run"
	umount "$D"
}
