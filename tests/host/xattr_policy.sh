#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# xattrs of a layer: security.selinux and system.nfs4_acl are dropped (as
# umoci does), security.capability is kept, and ACLs in SCHILY.acl.* form
# (bsdtar, star) become POSIX ACLs (system.posix_acl_access/default).
. tests/host/lib.sh

mkimage xattr_policy "$T/img"
run_lm unpack "$T/img"
expect_rc 0
expect_err 'entry selinux: xattr security.selinux dropped'
l=$(layer "$T/img" 1)
# xhex FILE NAME: the xattr's value in hex (0x...), empty if absent
xhex() {
	getfattr -h -e hex -n "$2" --absolute-names "$l/$1" 2>/dev/null |
		sed -n "s/^$2=//p" || true
}
[ -f "$l/selinux" ] || fail "selinux missing"
[ -f "$l/nfs4" ] || fail "nfs4 missing"
[ -z "$(xhex selinux security.selinux)" ] || fail "security.selinux kept"
[ -z "$(xhex nfs4 system.nfs4_acl)" ] || fail "system.nfs4_acl kept"
[ "$(xhex cap security.capability)" = 0x0100000200040000000000000000000000000000 ] ||
	fail "security.capability not kept"
# version 2; user:: rw, user:1234 r, group:: r, mask r, other none
acl=0x02000000
acl=${acl}01000600ffffffff02000400d204000004000400ffffffff
acl=${acl}10000400ffffffff20000000ffffffff
[ "$(xhex acl system.posix_acl_access)" = "$acl" ] ||
	fail "access ACL: $(xhex acl system.posix_acl_access)"
[ "$(stat -c %a "$l/acl")" = 640 ] || fail "acl: mode $(stat -c %a "$l/acl")"
dacl=0x02000000
dacl=${dacl}01000700ffffffff04000500ffffffff08000700e1100000
dacl=${dacl}10000700ffffffff20000000ffffffff
[ "$(xhex dacl system.posix_acl_default)" = "$dacl" ] ||
	fail "default ACL: $(xhex dacl system.posix_acl_default)"
