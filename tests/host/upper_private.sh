#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --upper DIR is private: a new DIR is made 0700, so what the container
# writes (set-id files, device nodes) is out of reach of other users (seen
# as uid 1000); an existing DIR that others can write or enter, or that
# belongs to another user, is refused (4) with the reason, before mounting.
. tests/host/lib.sh
can_mount_overlay
asuser=$BUILD/tools/asuser
[ -x "$asuser" ] || fail "$asuser is not built (make tools)"

mkimage basic "$T/img"
mkdir "$T/m"
chmod 755 "$T"
lm -q --type overlay --upper "$T/keep" "$T/img" "$T/m"
trap 'umount "$T/m" 2>/dev/null || true' EXIT
[ "$(stat -c '%a %u' "$T/keep")" = "700 0" ] ||
	fail "--upper made $(stat -c '%a %u' "$T/keep")"
cp "$T/m/top" "$T/m/copy" && chmod 4755 "$T/m/copy"
"$asuser" 1000 ls "$T/keep/upper" >/dev/null 2>&1 &&
	fail "uid 1000 can list the upper"
"$asuser" 1000 cat "$T/keep/upper/copy" >/dev/null 2>&1 &&
	fail "uid 1000 can read a file of the upper"
lm umount "$T/m"
trap - EXIT

for mode in 755 711 720 701; do
	mkdir -m $mode "$T/open$mode"
	run_lm --type overlay --upper "$T/open$mode" "$T/img" "$T/m"
	expect_rc 4
	expect_err "^layermount: $T/open$mode: --upper: must belong to uid 0 and be closed to others \(mode 0700; it is 0$mode"
	grep -q " $T/m " /proc/self/mountinfo && fail "mounted despite mode $mode"
done
mkdir -m 700 "$T/theirs"
chown 1000:1000 "$T/theirs"
run_lm --type overlay --upper "$T/theirs" "$T/img" "$T/m"
expect_rc 4
expect_err "it is 0700, uid 1000"
mkdir -m 740 "$T/readable"
lm -q --type overlay --upper "$T/readable" "$T/img" "$T/m"
lm umount "$T/m"
[ -z "$(ls "$STORE/mounts")" ] || fail "mount state left in the store"
