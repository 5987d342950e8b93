#!/bin/sh
# timeout: 300
# A setuid-root program of an image mounted by layermount, run by uid 1000,
# does not run as root: mounts are nosuid by default.  With --suid it does.
# The program is tryop, setuid root in the image; it opens a file only
# root may read.  Both filesystem types; every command checked (set -e
# safe).
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

chmod 755 "$T" || fail "chmod $T"
mkdir -p "$T/base" "$T/src/bin" "$T/m" || fail "mkdir"
echo base > "$T/base/base" || fail "write base"
cp /tests/tools/tryop "$T/src/bin/tryop" || fail "cp tryop"
chmod 4755 "$T/src/bin/tryop" || fail "chmod 4755 tryop"
echo secret > "$T/secret" || fail "write secret"
chmod 600 "$T/secret" || fail "chmod secret"
# two layers: a read-only overlay mount needs two lower directories
mkoci "$T/img" "$T/base" "$T/src"
[ -s "$T/img/index.json" ] || fail "mkoci wrote no index.json"

# mnt_opts: the per-mount options of $T/m, e.g. "ro,nosuid,nodev,relatime"
mnt_opts() {
	grep " $T/m " /proc/self/mountinfo > "$T/mi" || fail "$T/m: not mounted"
	cut -d' ' -f6 "$T/mi" || fail "cut"
}

# as1000 PROG ARGS: output and exit status of PROG run by uid 1000
as1000() {
	if out=$(asuser 1000:1000 "$@" 2>&1); then rc=0; else rc=$?; fi
	printf '%s rc=%s\n' "$(printf '%s' "$out" | tr '\n' ' ')" "$rc"
}

assert_eq "$(as1000 /tests/tools/tryop openr "$T/secret")" "EACCES rc=1" \
	"uid 1000 reads the secret without help (test broken)"
for type in layerfs overlay; do
	mount_ro "$type" "$T/img"
	assert_eq "$(stat -c '%a %u' "$T/m/bin/tryop")" "4755 0" \
		"$type: the setuid bit is kept in the mount"
	case ,$(mnt_opts), in
	*,nosuid,*) ;;
	*) fail "$type: not nosuid: $(cat "$T/mi")" ;;
	esac
	assert_eq "$(as1000 "$T/m/bin/tryop" openr "$T/secret")" "EACCES rc=1" \
		"$type: nosuid: the image's setuid-root program, run by uid 1000"
	umount_m

	mount_ro "$type" "$T/img" --suid
	case ,$(mnt_opts), in
	*,nosuid,*) fail "$type: --suid still nosuid: $(cat "$T/mi")" ;;
	esac
	assert_eq "$(as1000 "$T/m/bin/tryop" openr "$T/secret")" "OK rc=0" \
		"$type: --suid: the image's setuid-root program, run by uid 1000"
	umount_m
done
