#!/bin/sh
# timeout: 300
# layermount umount finds a mount's state from the mount itself (no
# --store): each kind of upper (ephemeral, --upper, --read-only) with both
# types; two mounts stacked on one target go one at a time, each taking
# only its own state; a mount layermount did not make is refused (exit 1)
# before anything is unmounted: a foreign tmpfs, an overlay whose source
# claims a real mount's state, and one made by a non-root user in a user
# namespace.
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

sample_image "$T/img"
mkdir "$T/m" "$T/f"
S=$T/store
for type in layerfs overlay; do
	for kind in ephemeral upper ro; do
		case $kind in
		ephemeral) set -- ;;
		upper) set -- --upper "$T/keep.$type" ;;
		ro) set -- --read-only ;;
		esac
		must "$LM" -q --store "$S" --type "$type" "$@" "$T/img" "$T/m"
		assert_eq "$(count "$S/mounts")" 1 "$type $kind: mount states"
		if [ "$kind" != ro ]; then
			echo "$kind" > "$T/m/new" || fail "$type $kind: write"
		fi
		must "$LM" umount "$T/m"
		is_mounted "$T/m" && fail "$type $kind: still mounted"
		assert_eq "$(count "$S/mounts")" 0 "$type $kind: state left"
	done
	assert_eq "$(cat "$T/keep.$type/upper/new")" upper "$type: --upper kept"
done

# a non-root user in a user namespace of their own, made before the mount
# (so it holds no copy of it), will claim it: an overlay with the same
# source, seen by a scan of every mountinfo
mkdir "$T/u"
chmod 755 "$T"
chown 1000:1000 "$T/u"
u=$T/u
asuser 1000 unshare -Urm sh -c "while [ ! -e '$u/id' ]; do sleep 0.1; done &&
	mkdir '$u/a' '$u/b' '$u/o' &&
	mount -t overlay \"layermount:\$(cat '$u/id'):$S\" -o 'lowerdir=$u/a:$u/b' '$u/o' &&
	echo ready > '$u/ready' && exec sleep 1000" &
upid=$!
at_exit "kill $upid 2>/dev/null || true"

# stacked: the top one goes first, with its own state only
must "$LM" -q --store "$S" --type overlay "$T/img" "$T/m"
id1=$(names "$S/mounts")
echo one > "$T/m/which" || fail "write to the first mount"
must "$LM" -q --store "$S" "$T/img" "$T/m"
assert_eq "$(count "$S/mounts")" 2 "stacked: mount states"
echo two > "$T/m/which" || fail "write to the second mount"
must "$LM" umount "$T/m"
assert_eq "$(names "$S/mounts")" "$id1" "stacked: state left after the top umount"
assert_eq "$(cat "$T/m/which")" one "stacked: the first mount shows again"
assert_eq "$(cat "$S/mounts/$id1/upper/which")" one "stacked: first upper"

# refused, still mounted: umount_refused DIR WHAT
umount_refused() {
	rc=0
	"$LM" umount "$1" 2> "$T/err" || rc=$?
	assert_eq "$rc" 1 "$2: exit status ($(cat "$T/err"))"
	grep -q "^layermount: $1: not a layermount mount" "$T/err" ||
		fail "$2: message: $(cat "$T/err")"
	is_mounted "$1" || fail "$2: unmounted"
}
mount -t tmpfs foreign "$T/f" || fail "mount tmpfs"
echo here > "$T/f/file" || fail "write to tmpfs"
umount_refused "$T/f" "foreign tmpfs"
assert_eq "$(cat "$T/f/file")" here "foreign tmpfs content"
umount "$T/f" || fail "umount tmpfs"
# an overlay that claims the live mount's source: its mount ID differs
mkdir "$T/l"
mount -t overlay "layermount:$id1:$S" -o "lowerdir=$T/l:$T/img" "$T/f" ||
	fail "mount a forged overlay"
umount_refused "$T/f" "forged source"
umount "$T/f" || fail "umount the forged overlay"
assert_eq "$(names "$S/mounts")" "$id1" "forged source: state of the real mount"

echo "$id1" > "$u/id" || fail "give the user the ID"
while [ ! -e "$u/ready" ]; do
	kill -0 "$upid" || fail "the user's namespace did not come up"
	sleep 0.1
done
nsenter -t "$upid" -m grep -q " $u/o .* overlay layermount:$id1:" /proc/self/mountinfo ||
	fail "the user's overlay is not there"
nsenter -t "$upid" -m grep -q " $T/m " /proc/self/mountinfo &&
	fail "the user's namespace has a copy of the mount"
rc=0
nsenter -t "$upid" -m "$LM" umount "$u/o" 2> "$T/err" || rc=$?
assert_eq "$rc" 1 "user namespace mount: exit status ($(cat "$T/err"))"
grep -q "not a layermount mount" "$T/err" || fail "user namespace mount: $(cat "$T/err")"
nsenter -t "$upid" -m grep -q " $u/o " /proc/self/mountinfo ||
	fail "the user's mount was unmounted"

# the real mount goes, with its state: the user's copy is not it
must "$LM" umount "$T/m"
is_mounted "$T/m" && fail "first mount still mounted"
assert_eq "$(count "$S/mounts")" 0 "state left after the last umount"
kill "$upid"

# not mounted, as umount(8) says it
rc=0
"$LM" umount "$T/m" 2> "$T/err" || rc=$?
assert_eq "$rc" 32 "not mounted: exit status"
grep -q "^layermount: $T/m: not mounted$" "$T/err" || fail "not mounted: $(cat "$T/err")"
