#!/bin/sh
# One file, one union inode, one st_ino: the names of
# one upper inode share st_ino and locks in any lookup order, before and
# after a cache drop and a remount, and d_ino equals st_ino; a copied-up
# file renamed elsewhere keeps its st_ino (its origin file handle).
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l" "$T/u" "$T/w"
echo f > "$T/l/f"
echo h > "$T/l/h"
echo k > "$T/l/k"
M=$T/m
opts="lowerdir=$T/l,upperdir=$T/u,workdir=$T/w"
lmount "$M" "$opts"
ino=$(stat -c %i "$M/f")
must ln "$M/f" "$M/g"
assert_eq "$(stat -c %i "$M/g")" "$ino" "st_ino of the new link"
# renamed after copy-up (h), renamed by the copy-up itself (k)
inoh=$(stat -c %i "$M/h") inok=$(stat -c %i "$M/k")
must mkdir "$M/sub"
echo more >> "$M/h" || fail "copy-up h"
must mv "$M/h" "$M/sub/h2"
must mv "$M/k" "$M/k2"

# renamed WHEN: the renamed files keep their numbers
renamed() {
	assert_eq "$(stat -c %i "$M/sub/h2")" "$inoh" "$1: st_ino of renamed h"
	assert_eq "$(stat -c %i "$M/k2")" "$inok" "$1: st_ino of renamed k"
	check_dino "$M" . sub || fail "$1: d_ino mismatch"
}

# same_file WHEN FIRST SECOND: looked up in this order, one inode
same_file() {
	a=$(stat -c %i "$M/$2") b=$(stat -c %i "$M/$3")
	assert_eq "$a" "$ino" "$1: st_ino of $2 (looked up first)"
	assert_eq "$b" "$ino" "$1: st_ino of $3"
	tryop flockhold "$M/$2" 3 > "$T/hold" &
	holder=$!
	i=0
	until grep -q OK "$T/hold" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "$1: flockhold did not start"
		usleep 50000
	done
	r=$(tryop flock "$M/$3") || true
	wait $holder || fail "$1: flockhold failed"
	assert_eq "$r" EAGAIN "$1: flock of $3 while $2 is locked"
	check_dino "$M" . || fail "$1: d_ino mismatch"
}
same_file cached f g
renamed cached
# f's union inode (copied up by ln) stays in memory, g is looked up anew
exec 3< "$M/f"
echo 2 > /proc/sys/vm/drop_caches
same_file "f held open" g f
exec 3<&-
echo 2 > /proc/sys/vm/drop_caches
renamed "after drop_caches"
echo 2 > /proc/sys/vm/drop_caches
same_file "after drop_caches" g f
echo 2 > /proc/sys/vm/drop_caches
same_file "after drop_caches" f g
lumount "$M"
lmount "$M" "$opts"
same_file "after remount" g f
renamed "after remount"
lumount "$M"
lmount "$M" "$opts"
same_file "after remount" f g
lumount "$M"
