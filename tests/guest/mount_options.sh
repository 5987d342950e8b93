#!/bin/sh
# Mount options: every bad input fails with its own errno and a kernel log
# line naming the option or path; the good forms mount.
. /tests/lib.sh
. /tests/guest/union-lib.sh

M=$T/m
mkdir -p "$M" "$T/l1" "$T/l2" "$T/l1/sub"
echo one > "$T/l1/f1"
echo two > "$T/l2/f2"
echo > "$T/file"

# bad OPTIONS ERRNO LOGPATTERN: mount(2) fails with ERRNO and the kernel
# log gains a line matching LOGPATTERN
bad() {
	mount_fails "$M" "$@"
}

bad "upperdir=$T/l1" EINVAL "missing 'lowerdir'"
bad "lowerdir=" EINVAL "lowerdir: empty value"
bad "lowerdir=$T/l1::$T/l2" EINVAL "lowerdir: empty path at position 2"
bad "lowerdir=$T/l1:" EINVAL "lowerdir: empty path at position 2"
bad "lowerdir=$T/l1:$T/nonexistent" ENOENT "lowerdir: .*$T/nonexistent"
bad "lowerdir=$T/file" ENOTDIR "lowerdir: '$T/file' is not a directory"
bad "lowerdir=$T/l1,bogus=1" EINVAL "Unknown parameter 'bogus'"
bad "lowerdir=/proc/sys/kernel" EINVAL "'/proc/sys/kernel' .*cannot serve as a layer"
bad "lowerdir=$T/l1:$T/l1/sub" ELOOP "lowerdir: '$T/l1' and '$T/l1/sub' overlap"
bad "lowerdir=$T/l2:$T/l2" ELOOP "lowerdir: '$T/l2' and '$T/l2' overlap"
bad "lowerdir=$T/l1,upperdir=$T/l2" EINVAL "upperdir: requires 'workdir'"
bad "lowerdir=$T/l1,workdir=$T/l2" EINVAL "workdir: requires 'upperdir'"
bad "lowerdir=$T/l1,upperdir=$T/nope,workdir=$T/l2" ENOENT "upperdir: .*$T/nope"
bad "lowerdir=$T/l1,upperdir=$T/file,workdir=$T/l2" ENOTDIR "upperdir: '$T/file'"
mkdir -p /run/lfs-work
bad "lowerdir=$T/l1,upperdir=$T/l2,workdir=/run/lfs-work" EXDEV \
	"workdir: not on the filesystem of upperdir"
rmdir /run/lfs-work

# too many layers: lowerdir+= through fsconfig(2) lifts the page limit,
# the 1025th layer is refused
mkdir -p "$T/many"
cd "$T/many" || fail "cd"
mkdir $(seq 1 1025) || fail "mkdir layers"
set --
for i in $(seq 1 1025); do
	set -- "$@" "lowerdir+=$i"
done
out=$(fsmnt "$M" "$@") && fail "1025 layers mounted"
assert_eq "$(echo "$out" | head -n 1)" E2BIG "errno for 1025 layers"
echo "$out" | grep "too many layers at '1025', the limit is 1024" > /dev/null ||
	fail "no message for too many layers: $out"
# exactly the limit mounts; relative paths resolve against the cwd
shift
out=$(fsmnt "$M" "$@")
assert_eq "$(echo "$out" | head -n 1)" OK "1024 layers with lowerdir+="
lumount "$M"
cd / || fail "cd /"

# stacking depth: layerfs on layerfs is fine once, not twice
lmount "$T/s1" "lowerdir=$T/l1"
lmount "$T/s2" "lowerdir=$T/s1"
assert_eq "$(content "$T/s2/f1")" one "layerfs over layerfs"
bad "lowerdir=$T/s2" EINVAL "stacked too deeply"
lumount "$T/s2"
lumount "$T/s1"

# relative paths resolve against the mounter's working directory
(cd "$T" && mount -t layerfs layerfs m -o lowerdir=l1:l2) ||
	fail "relative lowerdirs"
assert_eq "$(names "$M")" "f1 f2 sub" "relative lowerdirs"
grep " $M layerfs " /proc/mounts | grep "lowerdir=l1:l2" > /dev/null ||
	fail "show_options: $(grep " $M " /proc/mounts)"
lumount "$M"

# "\:" escapes a colon inside a path
mkdir -p "$T/a:b"
echo colon > "$T/a:b/c"
lmount "$M" "lowerdir=$T/a\\:b:$T/l2"
assert_eq "$(content "$M/c")" colon "escaped colon"
assert_eq "$(content "$M/f2")" two "layer after an escaped colon"
lumount "$M"

# lowerdir+= appends in order (the first given is the topmost)
echo top > "$T/l1/f2"
out=$(fsmnt "$M" "lowerdir+=$T/l1" "lowerdir+=$T/l2")
assert_eq "$(echo "$out" | head -n 1)" OK "lowerdir+= mount"
assert_eq "$(content "$M/f2")" top "lowerdir+= order"
lumount "$M"
# a later lowerdir= replaces the earlier list
out=$(fsmnt "$M" "lowerdir=$T/l1" "lowerdir=$T/l2")
assert_eq "$(echo "$out" | head -n 1)" OK "lowerdir= twice"
assert_eq "$(content "$M/f2")" two "second lowerdir= replaces the first"
lumount "$M"

# no upper: the mount is read-only and a remount cannot make it writable
lmount "$M" "lowerdir=$T/l1"
grep " $M layerfs " /proc/mounts | grep " ro[ ,]" > /dev/null ||
	fail "mount without upperdir is not read-only"
mount -o remount,rw "$M" 2>/dev/null && fail "remount rw succeeded"
lumount "$M"
