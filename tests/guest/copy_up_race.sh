#!/bin/sh
# timeout: 300
# vcpus: 2 (its processes race: two CPUs make them run at once)
# Concurrent copy-up: many writers of one lower file all see the same data
# and the upper holds one complete copy; copy-up racing with unlink,
# rename and readdir is safe; nothing is left in W/work.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1/d" "$T/u" "$T/w"
dd if=/dev/urandom of="$T/l1/shared" bs=4096 count=64 2>/dev/null
for i in $(seq 1 30); do echo "$i" > "$T/l1/d/f$i"; done
M=$T/m
lmount "$M" "lowerdir=$T/l1,upperdir=$T/u,workdir=$T/w"

# 8 writers append one line each to the same lower file at once
for i in 1 2 3 4 5 6 7 8; do
	(tryop write "$M/shared" "line$i
" > "$T/w.$i") &
done
wait
for i in 1 2 3 4 5 6 7 8; do assert_eq "$(cat "$T/w.$i")" OK "writer $i"; done
assert_eq "$(stat -c %s "$T/u/shared")" $((262144 + 8 * 6)) "one complete copy plus 8 lines"
assert_eq "$(head -c 262144 "$T/u/shared" | md5sum)" "$(md5sum < "$T/l1/shared")" \
	"copied data intact"
assert_eq "$(tail -c 48 "$T/u/shared" | grep -c line)" 8 "all appended lines"
assert_eq "$(rio read "$M/shared")" "$(rio read "$T/u/shared")" "union shows the copy"

# copy-up racing with unlink, rename and readdir, repeated
for round in 1 2 3; do
	for i in $(seq 1 30); do tryop write "$M/d/f$i" x > /dev/null & done
	# the renames race the unlinks: a name may go between a command's
	# lookup and its operation (ENOENT), as on any filesystem
	(for i in $(seq 1 30 | sort -r); do rm -f "$M/d/f$i" 2>/dev/null || true; done) &
	(for i in $(seq 1 15); do mv "$M/d/f$i" "$M/d/g$i" 2>/dev/null || true; done) &
	(for i in 1 2 3 4 5; do ls -l "$M/d" > /dev/null 2>&1 || true; done) &
	wait
	assert_eq "$(count "$M/d" '^f')" 0 "round $round: all f* removed"
	# what the race left in the work directory, before a remount empties it
	assert_eq "$(names "$T/w/work")" "" "round $round: work directory empty"
	for i in $(seq 1 30); do echo "$i" > "$T/l1/d/f$i"; done
	# bring the lower names back for the next round
	lumount "$M"
	rm -rf "$T/u" "$T/w"
	mkdir -p "$T/u" "$T/w"
	lmount "$M" "lowerdir=$T/l1,upperdir=$T/u,workdir=$T/w"
done
lumount "$M"
