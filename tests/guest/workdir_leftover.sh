#!/bin/sh
# W/work belongs to the union: whatever non-directory
# a crash or another tool left under that name is removed at mount, and
# the mount succeeds with an empty work directory.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l" "$T/u" "$T/w" "$T/m"
echo low > "$T/l/f"
M=$T/m
for kind in file symlink fifo whiteout dangling; do
	case $kind in
	file)		echo junk > "$T/w/work" || fail "file W/work" ;;
	symlink)	{ mkdir "$T/elsewhere" && ln -s "$T/elsewhere" "$T/w/work"; } ||
				fail "symlink W/work" ;;
	fifo)		must mkfifo "$T/w/work" ;;
	whiteout)	whiteout "$T/w/work" ;;
	dangling)	must ln -s nowhere "$T/w/work" ;;
	esac
	must mount -t layerfs layerfs "$M" \
		-o "lowerdir=$T/l,upperdir=$T/u,workdir=$T/w"
	{ [ -d "$T/w/work" ] && [ ! -L "$T/w/work" ]; } ||
		fail "$kind: W/work is not a directory after the mount"
	assert_eq "$(names "$T/w/work")" "" "$kind: W/work after the mount"
	# the union works: a copy-up goes through W/work
	echo "$kind" >> "$M/f" || fail "$kind: copy-up"
	assert_eq "$(names "$T/w/work")" "" "$kind: W/work after a copy-up"
	must umount "$M"
	[ -d "$T/elsewhere" ] && { rmdir "$T/elsewhere" || fail "symlink target changed"; }
	rm -rf "$T/w/work" || fail "rm W/work"
done
assert_eq "$(content "$T/u/f")" "low
file
symlink
fifo
whiteout
dangling" "upper file after five mounts"
