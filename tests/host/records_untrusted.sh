#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# gc never takes a path from a record: a dead mount record whose store,
# source, target and upper_dir all name another directory costs only its
# own STORE/mounts/ID (a symlink in it is removed, not followed); a mount
# point inside a state directory stops gc (exit 4) before it enters it;
# names in mounts/ that are not state IDs are left alone.
. tests/host/lib.sh

mkimage basic "$T/img"
lm -q unpack "$T/img"
mkdir -p "$T/victim" "$T/victim2"
echo keep >"$T/victim/file"
echo keep >"$T/victim2/file"
# record ID: a dead record of state ID naming $T/victim everywhere
record() {
	mkdir -p "$STORE/mounts/$1/upper"
	cat >"$STORE/mounts/$1/record" <<JSON
{"id":"$1","store":"$T/victim","source":"layermount:$1:$T/victim",
 "target":"$T/victim","type":"overlay","image":"sha256:00","layers":[],
 "upper":"ephemeral","upper_dir":"$T/victim","boot_id":"old",
 "state":"mounted","mnt_id":1,"dev":"0:1"}
JSON
}
id=0123456789abcdef
id2=fedcba9876543210
record $id
ln -s "$T/victim" "$STORE/mounts/$id/upper/link"
record $id2
mkdir "$STORE/mounts/notours"
mount --bind "$T/victim2" "$STORE/mounts/$id2/upper"
trap 'umount "$STORE/mounts/$id2/upper" 2>/dev/null || true' EXIT
run_lm gc
expect_rc 4
expect_err "mounts/$id2: Device or resource busy"
[ "$(cat "$T/victim/file")" = keep ] || fail "victim changed"
[ "$(cat "$T/victim2/file")" = keep ] || fail "gc entered a mount point"
[ ! -e "$STORE/mounts/$id" ] || fail "the dead state $id is left"
umount "$STORE/mounts/$id2/upper"
lm -q gc
[ ! -e "$STORE/mounts/$id2" ] || fail "the dead state $id2 is left"
[ -d "$STORE/mounts/notours" ] || fail "gc removed a name it does not own"
{ [ "$(count "$T/victim")" -eq 1 ] && [ "$(count "$T/victim2")" -eq 1 ]; } ||
	fail "victims changed"
[ "$(count "$STORE/layers")" -eq 3 ] || fail "layers of the image removed"
