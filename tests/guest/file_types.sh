#!/bin/sh
# Every file type through the union: regular, directory, symlinks
# (relative, absolute, dangling), fifo, socket, character and block
# devices; hard links keep their link count and share one inode.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1" "$T/l2/dir"
L=$T/l2
echo data > "$L/reg"
ln -s reg "$L/rel"
ln -s "$T/m/reg" "$L/abs"
ln -s nowhere "$L/dangling"
ln -s dir "$L/dirlink"
mkfifo "$L/fifo"
must tryop mksock "$L/sock" > /dev/null
mknod "$L/chr" c 1 3
mknod "$L/blk" b 7 200
echo linked > "$L/h1"
ln "$L/h1" "$L/h2"
echo inside > "$L/dir/in"
# a symlink in the top layer over a file below
ln -s dir "$T/l1/reg2"
echo shadowed > "$L/reg2"

M=$T/m
lmount "$M" "lowerdir=$T/l1:$T/l2"

ftype() { stat -c %F "$1"; }
assert_eq "$(ftype "$M/reg")" "regular file" "regular type"
assert_eq "$(ftype "$M/dir")" "directory" "directory type"
assert_eq "$(ftype "$M/rel")" "symbolic link" "symlink type"
assert_eq "$(ftype "$M/fifo")" "fifo" "fifo type"
assert_eq "$(ftype "$M/sock")" "socket" "socket type"
assert_eq "$(ftype "$M/chr")" "character special file" "chr type"
assert_eq "$(ftype "$M/blk")" "block special file" "blk type"

# symlinks: readlink, following, dangling
assert_eq "$(tryop readlink "$M/rel" | tail -n 1)" reg "relative target"
assert_eq "$(tryop readlink "$M/abs" | tail -n 1)" "$T/m/reg" "absolute target"
assert_eq "$(content "$M/rel")" data "follow relative symlink"
assert_eq "$(content "$M/abs")" data "follow absolute symlink into the union"
assert_eq "$(tryop openr "$M/dangling")" ENOENT "dangling symlink"
assert_eq "$(tryop readlink "$M/dangling" | tail -n 1)" nowhere "dangling target"
assert_eq "$(content "$M/dirlink/in")" inside "symlink to a directory"
assert_eq "$(ftype "$M/reg2")" "symbolic link" "symlink over a file"
assert_eq "$(content "$M/reg2/in")" inside "symlink over a file, followed"
assert_eq "$(stat -c %s "$M/rel")" 3 "symlink size"

# devices keep their numbers; the character device works (no nodev)
assert_eq "$(stat -c %t:%T "$M/chr")" "1:3" "chr device numbers"
assert_eq "$(stat -c %t:%T "$M/blk")" "7:c8" "blk device numbers"
assert_eq "$(head -c 10 "$M/chr" | wc -c)" 0 "read /dev/null through the union"
# a fifo in a lower is a fifo of the union: a writer meets a reader
(echo piped > "$M/fifo") &
assert_eq "$(cat "$M/fifo")" piped "fifo through the union"
wait
# the socket is a name only: nothing listens on the union's inode
assert_eq "$(tryop connect "$M/sock")" ECONNREFUSED "connect to a lower socket"

# hard links within a layer: link count 2, one inode, same content
assert_eq "$(stat -c %h "$M/h1")" 2 "nlink of h1"
assert_eq "$(stat -c %h "$M/h2")" 2 "nlink of h2"
assert_eq "$(stat -c %i "$M/h1")" "$(stat -c %i "$M/h2")" "hard links share st_ino"
assert_eq "$(content "$M/h2")" linked "hard link content"
assert_eq "$(stat -c %h "$M/reg")" 1 "nlink of a plain file"

# modes and owners come from the layer
chmod 0751 "$L/dir"
chown 12:34 "$L/reg"
chmod 0604 "$L/reg"
echo 3 > /proc/sys/vm/drop_caches
assert_eq "$(stat -c %a "$M/dir")" 751 "dir mode"
assert_eq "$(stat -c %u:%g:%a "$M/reg")" "12:34:604" "file owner and mode"
lumount "$M"
