#!/bin/sh
# timeout: 300
# Changing a file's data as an unprivileged user clears its set-id bits
# and its file capability through the union exactly as the real
# filesystem does for that user: every data-changing operation, on a file
# still in a lower layer and on one already copied up, compared with the
# same operation on the same file directly on ext4. The mounter has
# CAP_FSETID, so a union that lets the real filesystem judge (with the
# mounter's credentials) keeps the bits.
. /tests/lib.sh
. /tests/guest/union-lib.sh

scratch_ext4 "$T/disk"
D=$T/disk
must mkdir -p "$D/l1" "$D/u" "$D/w" "$D/direct"
# a v2 capability (CAP_CHOWN permitted, effective)
CAP=0x0100000201000000000000000000000000000000
OPS="write pwrite writev splice sendfile copy_file_range ftruncate truncate
otrunc falloc keep_size punch_hole zero_range collapse_range insert_range"
# mode[+cap]: set-uid and set-gid with group exec; set-gid without group
# exec (never cleared by writes); a capability alone
VARIANTS="6777+cap 2767 777+cap"

# mkvictim FILE VARIANT: a 16 KiB root-owned file with those bits
mkvictim() {
	must dd if=/dev/urandom of="$1" bs=4096 count=4 2> /dev/null
	must chmod "${2%+cap}" "$1"
	case "$2" in
	*+cap) must setfattr -n security.capability -v "$CAP" "$1" ;;
	esac
}

# state FILE: mode and whether it has a capability
state() {
	st=$(stat -c %a "$1") || fail "stat $1"
	if getfattr --absolute-names -n security.capability "$1" > /dev/null 2>&1; then
		echo "$st+cap"
	else
		echo "$st"
	fi
}

echo source > "$D/direct/src"
echo source > "$D/l1/src"
for op in $OPS; do
	for v in $VARIANTS; do
		mkvictim "$D/direct/$op.$v" "$v"
		mkvictim "$D/l1/$op.$v" "$v"
		mkvictim "$D/l1/up.$op.$v" "$v"
	done
done
M=$T/m
lmount "$M" "lowerdir=$D/l1,upperdir=$D/u,workdir=$D/w"
# copy the "up." files up first (times only: no privileges change)
for f in "$M"/up.*; do
	must touch -c "$f"
done
[ -f "$D/u/up.write.2767" ] || fail "copy-up by touch"
assert_eq "$(state "$M/up.write.6777+cap")" "6777+cap" "copy-up keeps bits and capability"

bad=0
for op in $OPS; do
	for v in $VARIANTS; do
		# OK or the errno: the result is compared, whatever it is
		want_rc=$(outcome asuser 1000 privop wr "$op" "$D/direct/$op.$v" "$D/direct/src")
		want="$want_rc $(state "$D/direct/$op.$v")"
		for f in "$op.$v" "up.$op.$v"; do
			got_rc=$(outcome asuser 1000 privop wr "$op" "$M/$f" "$M/src")
			got="$got_rc $(state "$M/$f")"
			echo "# $op $f: direct $want, union $got"
			[ "$got" = "$want" ] || { echo "MISMATCH $op $f: union $got, direct $want"; bad=$((bad + 1)); }
		done
	done
done
# the comparison only means something if the direct writes did clear
assert_eq "$(state "$D/direct/write.6777+cap")" 777 "direct write clears set-id and capability"
[ "$bad" -eq 0 ] || fail "$bad operations left different bits through the union than directly"
lumount "$M"
