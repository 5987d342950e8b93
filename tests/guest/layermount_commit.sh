#!/bin/sh
# timeout: 600
# layermount commit with overlay (layermount_commit_layerfs: with layerfs),
# the round trip: the scripted changes to a mounted image, committed into
# its layout under a new ref and into a new layout, mount read-only as a
# tree equal, entry by entry (type, mode, owner, size, content, link
# target, device numbers, xattrs), to the view before the commit.  With
# SOURCE_DATE_EPOCH two commits give the same layer and manifest digests.
# The mount stays usable; commits killed part way leave the layout valid
# with its refs intact.
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

type=${TYPE:-overlay}
change_image "$T/img"
mkdir "$T/m" "$T/n"
must "$LM" -q --store "$T/store" --type "$type" --ref base "$T/img" "$T/m"
tree "$T/m" > "$T/base.tree"
change_tree "$T/m"
tree "$T/m" > "$T/want.tree"
xattrs "$T/m" > "$T/want.xattrs"
grep -q 'trusted.t2="two"' "$T/want.xattrs" || fail "$type: no xattr to commit"

new=$("$LM" commit --ref new -m "scripted changes" "$T/m") ||
	fail "$type: commit failed"
case $new in sha256:*) ;; *) fail "$type: commit printed '$new'" ;; esac
# the mount is still there and unchanged
assert_eq "$(tree "$T/m" | cmp - "$T/want.tree" && echo same)" same \
	"$type: the mount after the commit"
export SOURCE_DATE_EPOCH=1700000000
one=$("$LM" commit --output "$T/o1" --compress zstd "$T/m") ||
	fail "$type: commit --output o1 failed"
two=$("$LM" commit --output "$T/o2" --compress zstd "$T/m") ||
	fail "$type: commit --output o2 failed"
unset SOURCE_DATE_EPOCH
assert_eq "$two" "$one" "$type: manifest digests with SOURCE_DATE_EPOCH"
assert_eq "$(ls "$T/o2/blobs/sha256")" "$(ls "$T/o1/blobs/sha256")" \
	"$type: blobs with SOURCE_DATE_EPOCH"
grep -q "$one" "$T/o1/index.json" || fail "$type: o1 index.json"
grep -q '"created":"2023-11-14T22:13:20Z"' "$T/o1/blobs/sha256/"* ||
	fail "$type: the config's created is not SOURCE_DATE_EPOCH"
must "$LM" --store "$T/store" umount "$T/m"

# every commit mounts read-only as the view before the commit
for img in "--ref new $T/img" "$T/o1"; do
	# shellcheck disable=SC2086 # options and image
	must "$LM" -q --store "$T/store2" --type "$type" --read-only $img "$T/m"
	tree "$T/m" > "$T/got.tree"
	xattrs "$T/m" > "$T/got.xattrs"
	assert_eq "$(stat -c %i "$T/m/newhard")" "$(stat -c %i "$T/m/newfile")" \
		"$type: $img: the hard link"
	# o1 was committed with SOURCE_DATE_EPOCH: later mtimes clamped
	[ "$img" = "$T/o1" ] && assert_eq "$(stat -c %Y "$T/m/newfile")" \
		1700000000 "$type: o1: mtime clamped to SOURCE_DATE_EPOCH"
	must "$LM" --store "$T/store2" umount "$T/m"
	cmp -s "$T/want.tree" "$T/got.tree" || {
		diff "$T/want.tree" "$T/got.tree" || true  # shows it
		fail "$type: $img: the tree differs from before the commit"
	}
	cmp -s "$T/want.xattrs" "$T/got.xattrs" || {
		diff "$T/want.xattrs" "$T/got.xattrs" || true  # shows it
		fail "$type: $img: xattrs differ from before the commit"
	}
done

# commits killed at some point (from the start to after the end) leave
# index.json whole, base and new intact
must "$LM" -q --store "$T/store" --type "$type" --ref new "$T/img" "$T/m"
dd if=/dev/urandom of="$T/m/big" bs=1M count=4 2> /dev/null || fail "$type: big"
for delay in 0 0.2 0.5 1 2 4; do
	"$LM" commit --ref "k$delay" "$T/m" > /dev/null 2>&1 &
	sleep "$delay"
	kill -KILL $! 2> /dev/null || true  # it may have ended
	wait $! || true  # killed or done
	for ref in base new; do
		"$LM" -q --store "$T/store3" --type "$type" --read-only \
			--ref "$ref" "$T/img" "$T/n" ||
			fail "$type: ref $ref after a killed commit ($delay s)"
		tree "$T/n" > "$T/got.tree"
		must "$LM" --store "$T/store3" umount "$T/n"
		want=$T/want.tree
		[ "$ref" = base ] && want=$T/base.tree
		cmp -s "$want" "$T/got.tree" || fail "$type: ref $ref changed"
	done
done
# a commit that got to its index.json has every blob it names
for ref in $(grep -o '"k[0-9.]*"' "$T/img/index.json" | tr -d '"'); do
	"$LM" -q --store "$T/store3" --type "$type" --read-only --ref "$ref" \
		"$T/img" "$T/n" || fail "$type: the finished commit $ref"
	cmp -s "$T/m/big" "$T/n/big" || fail "$type: $ref: big differs"
	must "$LM" --store "$T/store3" umount "$T/n"
done
must "$LM" --store "$T/store" umount "$T/m"
