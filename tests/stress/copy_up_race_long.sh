#!/bin/sh
# timeout: 900
# Long run of concurrent copy-up against unlink, rename, readdir and
# writers: 50 rounds of the copy_up_race pattern on 100 files.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1/d" "$T/u" "$T/w"
M=$T/m
for round in $(seq 1 50); do
	for i in $(seq 1 100); do echo "$i" > "$T/l1/d/f$i"; done
	rm -rf "$T/u" "$T/w"
	mkdir -p "$T/u" "$T/w"
	lmount "$M" "lowerdir=$T/l1,upperdir=$T/u,workdir=$T/w"
	for i in $(seq 1 100); do tryop write "$M/d/f$i" x > /dev/null & done
	# the renames race the unlinks: a name may go between a command's
	# lookup and its operation (ENOENT), as on any filesystem
	(for i in $(seq 1 100 | sort -r); do rm -f "$M/d/f$i" 2>/dev/null || true; done) &
	(for i in $(seq 1 50); do mv "$M/d/f$i" "$M/d/g$i" 2>/dev/null || true; done) &
	(for i in 1 2 3 4 5 6 7 8; do ls -l "$M/d" > /dev/null 2>&1 || true; done) &
	wait
	assert_eq "$(count "$M/d" '^f')" 0 "round $round: all f* removed"
	assert_eq "$(names "$T/w/work")" "" "round $round: work directory empty"
	lumount "$M"
done
