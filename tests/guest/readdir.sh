#!/bin/sh
# Merged readdir: every name once, whiteouts and hidden names never, right
# d_type, "." and "..", tiny getdents buffers.
. /tests/lib.sh
. /tests/guest/union-lib.sh

std_layers
M=$T/m
lmount "$M" "lowerdir=$T/l1:$T/l2:$T/l3"

assert_eq "$(names "$M")" "d deep df f fd o only2" "root listing"
assert_eq "$(names "$M/d")" "a b c" "merged dir listing"
assert_eq "$(names "$M/o")" "x" "opaque dir listing"
assert_eq "$(names "$M/df")" "x" "dir over file over dir"
assert_eq "$(names "$M/deep")" "er" "single-layer dir"

# d_type of every entry, and "." / ".."
out=$(dirents "$M" | awk '{print $1 $3}' | sort | tr '\n' ' ')
assert_eq "$out" "..d .d dd deepd dfd fdf ff od only2f " "names and d_type"

# a name in several layers appears once, with the topmost type
mkdir -p "$T/x1" "$T/x2" "$T/x3"
for i in $(seq 1 40); do
	echo 1 > "$T/x1/n$i"
	mkdir "$T/x2/n$i"
	ln -s t "$T/x3/n$i"
done
for i in $(seq 41 60); do ln -s t "$T/x3/n$i"; done
for i in $(seq 61 70); do whiteout "$T/x2/n$i"; echo > "$T/x3/n$i"; done
lmount "$T/mx" "lowerdir=$T/x1:$T/x2:$T/x3"
for bs in 32 64 100 4096 32768; do
	dirents -b $bs "$T/mx" > "$T/out.$bs" || fail "getdents, buffer $bs"
	n=$(grep -vc '^\.' "$T/out.$bs")
	assert_eq "$n" 60 "entries with a $bs-byte buffer"
	u=$(awk '{print $1}' "$T/out.$bs" | sort -u | wc -l)
	assert_eq "$u" 62 "distinct names with a $bs-byte buffer"
	assert_eq "$(grep -c '^n[0-9]* [0-9]* f$' "$T/out.$bs")" 40 \
		"regular files shadowing dirs ($bs)"
	assert_eq "$(grep -c '^n[0-9]* [0-9]* l$' "$T/out.$bs")" 20 \
		"symlinks ($bs)"
	grep -q '^n6[1-9] \|^n70 ' "$T/out.$bs" && fail "whited-out name listed"
done
lumount "$T/mx"

# an empty merged directory lists only . and ..
mkdir -p "$T/e1/e" "$T/e2/e"
whiteout "$T/e1/e/w"
echo > "$T/e2/e/w"
lmount "$T/me" "lowerdir=$T/e1:$T/e2"
assert_eq "$(names "$T/me/e")" "" "merged dir with only a whiteout"
assert_eq "$(dirents "$T/me/e" | awk '{print $1}' | sort | tr '\n' ' ')" \
	". .. " "dots only"
# a whiteout in a single-layer directory is not listed either
mkdir -p "$T/s1/only"
whiteout "$T/s1/only/w"
echo keep > "$T/s1/only/k"
lmount "$T/ms" "lowerdir=$T/s1:$T/e2"
assert_eq "$(names "$T/ms/only")" "k" "whiteout in a one-layer dir"
lumount "$T/ms"
lumount "$T/me"
lumount "$M"
