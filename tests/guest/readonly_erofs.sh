#!/bin/sh
# Without an upper layer every modifying call fails with EROFS and the
# lowers stay unchanged.
. /tests/lib.sh
. /tests/guest/union-lib.sh

std_layers
ln -s f "$T/l1/sym"
M=$T/m
lmount "$M" "lowerdir=$T/l1:$T/l2:$T/l3"
state() {
	(cd "$T" && find l1 l2 l3 | sort | while read -r p; do
		stat -c '%n %f %s %Y %Z %u %g %h %t:%T' "$p"
	done; md5sum l1/f l2/f l3/f)
}
state > "$T/before"

expect() {
	assert_eq "$(tryop "$@")" EROFS "tryop $*"
}
expect openw "$M/f"
expect openrw "$M/f"
expect trunc "$M/f"
expect append "$M/only2"
expect creat "$M/new"
expect creat "$M/f"
expect excl "$M/new"
expect tmpfile "$M/d"
expect mkdir "$M/newdir"
expect mkdir "$M/d/sub"
expect rmdir "$M/d"
expect rmdir "$M/deep/er"
expect unlink "$M/f"
expect unlink "$M/d/a"
expect rename "$M/f" "$M/g"
expect rename "$M/d" "$M/e"
expect link "$M/f" "$M/f2"
expect symlink target "$M/s"
expect mknod "$M/dev"
expect mkfifo "$M/fifo"
expect chmod "$M/f"
expect chmod "$M/d"
expect chown "$M/f"
expect truncate "$M/f"
expect utimes "$M/f"
expect utimes "$M/d"
expect setxattr "$M/f" user.x
expect removexattr "$M/f" user.x
# whited-out and hidden names cannot be recreated either
expect creat "$M/wh"
expect mkdir "$M/o/y"
# shell-level writes
(echo x > "$M/f") 2>/dev/null && fail "shell redirection wrote to the union"
touch "$M/f" 2>/dev/null && fail "touch succeeded"
# reading still works
assert_eq "$(content "$M/f")" top "read on the read-only union"
state > "$T/after"
cmp -s "$T/before" "$T/after" || fail "a lower layer changed"
lumount "$M"
