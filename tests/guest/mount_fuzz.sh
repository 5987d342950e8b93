#!/bin/sh
# timeout: 300
# Bad mount input: garbage, huge strings, duplicate options, the
# same directory as lower and upper, upper inside a lower, workdir inside
# upper, a lower that is a file, through mount(2) and fsconfig(2). Every
# attempt either mounts a valid view or fails with an errno and a layerfs
# kernel log line; nothing crashes (the harness checks the kernel log).
. /tests/lib.sh
. /tests/guest/union-lib.sh

M=$T/m
mkdir -p "$M" "$T/l1/sub" "$T/l2" "$T/u" "$T/w"
echo one > "$T/l1/f"
echo two > "$T/l2/g"
: > "$T/file"

# refused HOW OPTS...: the mount fails, with a message: a new "layerfs"
# kernel log line for mount(2), a line in the fs_context log for fsconfig
refused() {
	how=$1
	shift
	klog_mark
	# the refusal is the expected outcome: its errno is checked below
	if [ "$how" = legacy ]; then
		fsmnt -m "$M" "$1" > "$T/out" || true
	else
		fsmnt "$M" "$@" > "$T/out" || true
	fi
	r=$(head -n 1 "$T/out")
	what=$(echo "$*" | cut -c 1-100)
	[ "$r" != OK ] || { umount "$M"; fail "$how mount accepted: $what"; }
	case "$r" in
	E[A-Z0-9]*) ;;
	*) fail "$how mount of '$what' gave '$r', not an errno" ;;
	esac
	if [ "$how" = legacy ]; then
		klog_since | grep 'layerfs' > /dev/null ||
			fail "mount(2) of '$what' failed ($r) without a layerfs log line"
	else
		[ -n "$(tail -n +2 "$T/out")" ] ||
			fail "fsconfig of '$what' failed ($r) without a message"
	fi
	log "refused ($r): $how $what"
}

# the named cases
refused legacy ""
refused legacy ",,,,"
refused legacy "lowerdir"
refused legacy "lowerdir=$T/file"
refused legacy "lowerdir=$T/l1:$T/file"
refused fsconfig "lowerdir+=$T/file"
refused legacy "lowerdir=$T/l1,upperdir=$T/l1,workdir=$T/w"
refused legacy "lowerdir=$T/l1,upperdir=$T/l1/sub,workdir=$T/w"
refused legacy "lowerdir=$T/l2,upperdir=$T/u,workdir=$T/u/w"
mkdir -p "$T/u/w"
refused legacy "lowerdir=$T/l2,upperdir=$T/u,workdir=$T/u/w"
refused legacy "lowerdir=$T/l2,upperdir=$T/u,workdir=$T/u"
refused legacy "lowerdir=$T/l1,lowerdir=$T/nonexistent"
refused legacy "lowerdir=$T/l1,upperdir=$T/u,upperdir=$T/nonexistent,workdir=$T/w"
refused fsconfig "lowerdir=$T/l1" "workdir=$T/w"
refused fsconfig "lowerdir=$T/l1" "noexist=1"
refused fsconfig "lowerdir=$T/l1" "lowerdir"

# duplicate options mount a valid view: the later lowerdir wins
fsmnt -m "$M" "lowerdir=$T/l2,lowerdir=$T/l1" > /dev/null ||
	fail "duplicate lowerdir refused"
assert_eq "$(names "$M")" "f sub" "view after a repeated lowerdir"
umount "$M"

# garbage: random option strings over an alphabet of option syntax
awk 'BEGIN {
	srand(7)
	a = "lowerdir=upperdir=workdir=,:=\\\\/" "abcdefghijklmnopqrstuvwxyz0123456789.+-_"
	for (i = 0; i < 300; i++) {
		n = int(rand() * 60) + 1; s = ""
		for (j = 0; j < n; j++) s = s substr(a, int(rand() * length(a)) + 1, 1)
		print s
	}
}' > "$T/garbage"
accepted=0 refusedn=0
while IFS= read -r opt; do
	r=$(cd "$T" && outcome fsmnt -m "$M" "$opt")
	if [ "$r" = OK ]; then
		accepted=$((accepted + 1))
		ls "$M" > /dev/null || fail "mount of '$opt' accepted but unreadable"
		umount "$M" || fail "umount after '$opt'"
	else
		case "$r" in
		E[A-Z0-9]*) refusedn=$((refusedn + 1)) ;;
		*) fail "garbage '$opt' gave '$r'" ;;
		esac
	fi
done < "$T/garbage"
log "garbage: $refusedn refused, $accepted accepted"
[ $refusedn -gt 250 ] || fail "only $refusedn of 300 garbage strings refused"
grep -q " $M " /proc/mounts && fail "a garbage mount was left behind"

# huge strings: a 4000-byte path, a 300-byte component, a value over
# the fsconfig limit
long=$(printf '%4000s' '' | tr ' ' a)
comp=$(printf '%300s' '' | tr ' ' b)
refused legacy "lowerdir=$T/$long"
refused legacy "lowerdir=$T/$comp"
r=$(outcome fsmnt "$M" "lowerdir=$T/l1:$long")
[ "$r" != OK ] || { umount "$M"; fail "fsconfig accepted a 4000-byte value"; }
refused legacy "lowerdir=$(seq -s: 1 2000)"
exit 0
