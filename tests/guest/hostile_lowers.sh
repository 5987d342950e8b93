#!/bin/sh
# timeout: 300
# Hostile lowers: crafted trusted.overlay.* xattrs that layerfs
# does not implement (redirect, origin, metacopy, ...) are ignored; an
# opaque value other than "y" is not opaque; a 0:0 device cannot be a
# layer root; an opaque lower root behaves as in overlayfs; thousands of
# nested levels and 255-byte names work through the mount.
. /tests/lib.sh
. /tests/guest/union-lib.sh

L1=$T/l1 L2=$T/l2 M=$T/m O=$T/o
mkdir -p "$L1" "$L2" "$M" "$O"

# redirect: layerfs follows no redirects, d merges by name only
mkdir -p "$L1/d" "$L2/d" "$L2/elsewhere"
echo a > "$L1/d/a"
echo n > "$L2/d/n"
echo r > "$L2/elsewhere/r"
setfattr -n trusted.overlay.redirect -v /elsewhere "$L1/d" || fail "setfattr redirect"
# metacopy on a complete file in l1: its own data is shown
echo l1data > "$L1/f"
echo l2data > "$L2/f"
setfattr -n trusted.overlay.metacopy -v "" "$L1/f" || fail "setfattr metacopy"
# garbage origin, upper, impure, nlink
echo g > "$L1/g"
setfattr -n trusted.overlay.origin -v 0x00fbff0102030405 "$L1/g" || fail "setfattr origin"
setfattr -n trusted.overlay.upper -v 0xdeadbeef "$L1/g" || fail "setfattr upper"
setfattr -n trusted.overlay.impure -v q "$L1/d" || fail "setfattr impure"
setfattr -n trusted.overlay.nlink -v "U+999" "$L1/g" || fail "setfattr nlink"
# an opaque value that is not "y"
mkdir -p "$L1/p" "$L2/p"
echo 1 > "$L1/p/one"
echo 2 > "$L2/p/two"
setfattr -n trusted.overlay.opaque -v x "$L1/p" || fail "setfattr opaque=x"

lmount "$M" "lowerdir=$L1:$L2"
assert_eq "$(names "$M/d")" "a n" "redirected dir merges by name"
assert_eq "$(content "$M/f")" l1data "metacopy file shows its own data"
assert_eq "$(content "$M/g")" g "file with garbage origin"
i1=$(stat -c %i "$M/g")
assert_eq "$(names "$M/p")" "one two" "opaque=x is not opaque"
getfattr -d -m - "$M/g" "$M/d" "$M/f" "$M/p" 2>/dev/null | grep trusted.overlay > /dev/null &&
	fail "trusted.overlay.* visible through the mount"
lumount "$M"
lmount "$M" "lowerdir=$L1:$L2"
assert_eq "$(stat -c %i "$M/g")" "$i1" "inode number of a file with garbage origin"
lumount "$M"

# a whiteout (0:0 device) cannot be a layer root
mknod "$T/wh" c 0 0 || fail "mknod"
r=$(outcome fsmnt -m "$M" "lowerdir=$T/wh")
assert_eq "$r" ENOTDIR "0:0 device as a layer root"
r=$(outcome fsmnt -m "$M" "lowerdir=$L1:$T/wh")
assert_eq "$r" ENOTDIR "0:0 device as a lower layer root"

# an opaque lower root: layerfs shows what overlayfs shows
mkdir -p "$T/r1" "$T/r2" "$T/r3"
echo 1 > "$T/r1/one"
echo 2 > "$T/r2/two"
echo 3 > "$T/r3/three"
setfattr -n trusted.overlay.opaque -v y "$T/r2" || fail "opaque root"
need_overlay
mount -t overlay overlay "$O" -o "lowerdir=$T/r1:$T/r2:$T/r3,redirect_dir=off,index=off,xino=off,metacopy=off" ||
	fail "overlay mount"
want=$(names "$O")
umount "$O"
lmount "$M" "lowerdir=$T/r1:$T/r2:$T/r3"
assert_eq "$(names "$M")" "$want" "opaque lower root, as overlayfs"
lumount "$M"
setfattr -n trusted.overlay.opaque -v y "$T/r1" || fail "opaque top root"
lmount "$M" "lowerdir=$T/r1:$T/r2:$T/r3"
[ -n "$(names "$M")" ] || fail "opaque top root hides everything"
lumount "$M"

# thousands of levels: l2 has 3000, l1 the first 1500 with its own file
deepdir make "$L2" 3000 bottom || fail "deep chain in l2"
deepdir make "$L1" 1500 mid || fail "deep chain in l1"
lmount "$M" "lowerdir=$L1:$L2"
assert_eq "$(deepdir walk "$M" 3000 bottom)" bottom "3000 levels deep"
assert_eq "$(deepdir walk "$M" 1500 mid)" bottom "l1's file 1500 levels deep"
lumount "$M"

# 255-byte names: files, a merged directory and a whiteout
n255() {
	printf "%s%0$((255 - ${#1}))d" "$1" 0
}
A=$(n255 a) B=$(n255 b) D=$(n255 d) W=$(n255 w)
mkdir -p "$T/n1/$D" "$T/n2/$D"
echo a > "$T/n1/$A"
echo b > "$T/n2/$D/$B"
echo in1 > "$T/n1/$D/$A"
echo hidden > "$T/n2/$W"
mknod "$T/n1/$W" c 0 0 || fail "mknod 255-byte whiteout"
lmount "$M" "lowerdir=$T/n1:$T/n2"
assert_eq "$(names "$M")" "$A $D" "255-byte names at the root"
assert_eq "$(names "$M/$D")" "$A $B" "255-byte merged directory"
assert_eq "$(content "$M/$D/$B")" b "255-byte name from the lower"
[ -e "$M/$W" ] && fail "255-byte whiteout ignored"
r=$(outcome tryop openr "$M/$(n255 x)x")
assert_eq "$r" ENAMETOOLONG "a 256-byte name"
lumount "$M"
exit 0
