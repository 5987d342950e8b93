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
[ -z "$(getfattr -d -m 'security\.selinux' "$l/selinux")" ] ||
	fail "security.selinux kept"
[ -z "$(getfattr -d -m 'system\.nfs4_acl' "$l/nfs4")" ] ||
	fail "system.nfs4_acl kept"
[ "$(getfattr -h -e hex -n security.capability --absolute-names "$l/cap" |
     sed -n 's/^security.capability=//p')" = 0x0100000200040000000000000000000000000000 ] ||
	fail "security.capability not kept"
# version 2; user:: rw, user:1234 r, group:: r, mask r, other none
acl=0x02000000
acl=${acl}01000600ffffffff02000400d204000004000400ffffffff
acl=${acl}10000400ffffffff20000000ffffffff
[ "$(getfattr -h -e hex -n system.posix_acl_access --absolute-names "$l/acl" |
     sed -n 's/^system.posix_acl_access=//p')" = "$acl" ] ||
	fail "access ACL: $(getfattr -h -e hex -n system.posix_acl_access "$l/acl" 2>&1)"
[ "$(stat -c %a "$l/acl")" = 640 ] || fail "acl: mode $(stat -c %a "$l/acl")"
dacl=0x02000000
dacl=${dacl}01000700ffffffff04000500ffffffff08000700e1100000
dacl=${dacl}10000700ffffffff20000000ffffffff
[ "$(getfattr -h -e hex -n system.posix_acl_default --absolute-names "$l/dacl" |
     sed -n 's/^system.posix_acl_default=//p')" = "$dacl" ] ||
	fail "default ACL: $(getfattr -h -e hex -n system.posix_acl_default "$l/dacl" 2>&1)"
