#!/bin/sh
# A removed directory that is still a working directory stays dead (issue
# 14, point 3): creating in it fails with ENOENT, also after a stat of "."
# and a chmod of it refreshed the union inode from the real one (which
# must not bring back the link count or clear S_DEAD), and nothing is
# copied up or left in the work directory.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l/low" "$T/l/mrg" "$T/u" "$T/w" "$T/m"
echo keep > "$T/l/keep"
must mount -t layerfs layerfs "$T/m" \
	-o "lowerdir=$T/l,upperdir=$T/u,workdir=$T/w"
M=$T/m
must mkdir "$M/up"
# copy mrg up: an upper directory merged with the lower one
must touch "$M/mrg/t"
must rm "$M/mrg/t"
[ -d "$T/u/mrg" ] || fail "mrg not copied up"
# up: only in the upper; low: only in the lower; mrg: in both
for dir in up low mrg; do
	cd "$M/$dir" || fail "cd $dir"
	must rmdir "$M/$dir"
	assert_eq "$(tryop mkdir x)" ENOENT "$dir: mkdir in the removed cwd"
	must stat . > /dev/null
	assert_eq "$(tryop mkdir x)" ENOENT "$dir: mkdir after stat of ."
	assert_eq "$(tryop creat x)" ENOENT "$dir: create after stat of ."
	assert_eq "$(tryop symlink t x)" ENOENT "$dir: symlink after stat of ."
	assert_eq "$(tryop mkdir x)" ENOENT "$dir: mkdir after a second stat"
	# a chmod refreshes the union inode (it may fail: nothing to copy up)
	tryop chmodn . 700 > /dev/null || true
	assert_eq "$(tryop mkdir x)" ENOENT "$dir: mkdir after chmod of ."
	cd / || fail "cd /"
	if [ -e "$M/$dir" ]; then fail "$dir: still visible after rmdir"; fi
	if [ -e "$T/u/$dir/x" ]; then fail "$dir: x made in the upper"; fi
done
assert_eq "$(names "$T/u")" "low mrg" "upper after the removals"
[ -c "$T/u/low" ] || fail "no whiteout for the removed lower directory"
[ -c "$T/u/mrg" ] || fail "no whiteout for the removed merged directory"
assert_eq "$(ls -A "$T/w/work")" "" "work directory after the removals"
assert_eq "$(content "$M/keep")" keep "lower file beside them"
must umount "$M"
