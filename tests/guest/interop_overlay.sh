#!/bin/sh
# timeout: 300
# An upper and workdir written through layerfs mount with overlayfs over
# the same lowers and show the same tree, and the reverse.
. /tests/lib.sh
. /tests/guest/union-lib.sh

diff_setup
L="lowerdir=$S/l1:$S/l2:$S/l3"
OVL="redirect_dir=off,index=off,xino=off,metacopy=off"
mkdir -p "$T/u1" "$T/w1" "$T/u2" "$T/w2" "$T/o" "$T/m"

# changes through both: copy-ups, whiteouts, opaque dirs, renames, xattrs
mutate() {
	(cd "$1" &&
	 echo more >> f && rm only2 && rm -r d/a d/b && mkdir nd &&
	 echo n > nd/new && mv nd/new nd/renamed && rm -r o && mkdir o &&
	 echo x > o/fresh && setfattr -n trusted.t -v v deep/er/file &&
	 chmod 700 deep && ln hl hl3 && rm fd && mkdir fd && ln -s d sl &&
	 mv lnk lnk2 && [ "$(tryop rmdir d)" = ENOTEMPTY ] && rm d/c &&
	 rmdir d && mkdir d) ||
		fail "changes under $1"
}

# layerfs writes, overlayfs reads
lmount "$T/m" "$L,upperdir=$T/u1,workdir=$T/w1"
mutate "$T/m"
treedump "$T/m" > "$T/a" || fail "treedump layerfs"
lumount "$T/m"
mount -t overlay overlay "$T/o" -o "$L,upperdir=$T/u1,workdir=$T/w1,$OVL" ||
	fail "overlayfs on layerfs's upper"
treedump "$T/o" > "$T/b" || fail "treedump overlayfs"
umount "$T/o"
cmp -s "$T/a" "$T/b" || { diff "$T/a" "$T/b" | head -20 || true; fail "overlayfs sees another tree"; }
grep -q '^./nd/renamed ' "$T/a" || fail "changes missing"

# overlayfs writes, layerfs reads
mount -t overlay overlay "$T/o" -o "$L,upperdir=$T/u2,workdir=$T/w2,$OVL" ||
	fail "overlayfs"
mutate "$T/o"
treedump "$T/o" > "$T/c" || fail "treedump overlayfs"
umount "$T/o"
lmount "$T/m" "$L,upperdir=$T/u2,workdir=$T/w2"
treedump "$T/m" > "$T/d" || fail "treedump layerfs"
cmp -s "$T/c" "$T/d" || { diff "$T/c" "$T/d" | head -20 || true; fail "layerfs sees another tree"; }
# and layerfs keeps working on overlayfs's upper
echo again >> "$T/m/f"
assert_eq "$(tail -n 1 "$T/m/f")" again "write on overlayfs's upper"
lumount "$T/m"
cmp -s "$T/a" "$T/c" || { diff "$T/a" "$T/c" | head -20 || true; fail "the two uppers differ"; }
umount "$S"
