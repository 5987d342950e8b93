#!/bin/sh
# POSIX ACLs through the union: enforced exactly as on the real
# filesystem, set or removed only by the owner (checked with the caller's
# credentials, not the mounter's), carried over by copy-up, inherited from
# default ACLs, and always equal to the real file's ACL.
. /tests/lib.sh
. /tests/guest/union-lib.sh

L=$T/l1 U=$T/u M=$T/m
must mkdir -p "$L" "$U" "$T/w" "$T/direct"

# acl_of FILE: the file's ACL, without the header
acl_of() {
	getfacl -cp "$1" 2> /dev/null || fail "getfacl $1"
}

# mkfile FILE MODE [OWNER]: a file with fixed content
mkfile() {
	echo "content of $(basename "$1")" > "$1" || fail "create $1"
	must chmod "$2" "$1"
	[ -z "${3:-}" ] || must chown "$3" "$1"
}

mkfile "$L/secret" 600
mkfile "$L/secret_up" 600
mkfile "$L/denied" 644
must setfacl -m u:1000:--- "$L/denied"
mkfile "$L/gdenied" 644
must setfacl -m g:2000:--- "$L/gdenied"
mkfile "$L/mine" 600 1000:1000
mkfile "$L/keep" 640
must setfacl -m u:1000:rw-,g:3000:r-- "$L/keep"
must mkdir "$L/ddir"
must setfacl -d -m u:1000:rwx "$L/ddir"
mkfile "$L/ddir/again" 644
must mkdir "$T/direct/ddir"
must setfacl -d -m u:1000:rwx "$T/direct/ddir"
mkfile "$L/stale" 644

lmount "$M" "lowerdir=$L,upperdir=$U,workdir=$T/w"
must touch -c "$M/secret_up"
[ -f "$U/secret_up" ] || fail "secret_up not copied up"

# the real filesystem decides the same way (the test is meaningful)
asuser 1000 cat "$L/denied" > /dev/null 2>&1 && fail "tmpfs ignores ACLs"

# (b) ACLs are enforced through the union
asuser 1000 cat "$M/denied" > /dev/null 2>&1 &&
	fail "uid 1000 read a file whose ACL denies it"
must asuser 1001 cat "$M/denied" > /dev/null
asuser 1001:1001:2000 cat "$M/gdenied" > /dev/null 2>&1 &&
	fail "a member of group 2000 read a file whose ACL denies the group"
must asuser 1001:1001:2001 cat "$M/gdenied" > /dev/null

# (a) only the owner or CAP_FOWNER changes an ACL
for f in secret secret_up; do
	asuser 1000 setfacl -m u:1000:rw "$M/$f" 2> /dev/null &&
		fail "uid 1000 set an ACL on root's $f"
	asuser 1000 cat "$M/$f" > /dev/null 2>&1 && fail "uid 1000 read root's $f"
done
[ -e "$U/secret" ] && fail "a refused ACL change copied secret up"
asuser 1000 setfacl -b "$M/denied" 2> /dev/null &&
	fail "uid 1000 removed the ACL of root's file"
asuser 1000 cat "$M/denied" > /dev/null 2>&1 && fail "denied after refused removal"
# the owner may, and the new entries are enforced
must asuser 1000 setfacl -m u:1001:r "$M/mine"
must asuser 1001 cat "$M/mine" > /dev/null
asuser 1002 cat "$M/mine" > /dev/null 2>&1 && fail "uid 1002 read mine"
assert_eq "$(acl_of "$M/mine")" "$(acl_of "$U/mine")" "owner's ACL lands in upper"
# so may root (CAP_FOWNER), also on a lower file
must setfacl -m u:1002:r "$M/secret"
must asuser 1002 cat "$M/secret" > /dev/null

# (c) copy-up carries the ACL
must touch -c "$M/keep"
[ -f "$U/keep" ] || fail "keep not copied up"
assert_eq "$(acl_of "$U/keep")" "$(acl_of "$L/keep")" "copied-up ACL"
must asuser 1000 sh -c "echo more >> '$M/keep'"
asuser 1001 cat "$M/keep" > /dev/null 2>&1 && fail "uid 1001 read keep"
# a directory's default ACL is copied up and inherited by new files
must touch "$M/ddir/new" "$T/direct/ddir/new"
assert_eq "$(acl_of "$U/ddir")" "$(acl_of "$L/ddir")" "copied-up default ACL"
assert_eq "$(acl_of "$M/ddir/new")" "$(acl_of "$T/direct/ddir/new")" \
	"ACL inherited from a default ACL"
# also by a file made over a whiteout (built in the work directory)
must rm "$M/ddir/again"
[ -c "$U/ddir/again" ] || fail "no whiteout for ddir/again"
must touch "$M/ddir/again"
assert_eq "$(acl_of "$M/ddir/again")" "$(acl_of "$T/direct/ddir/new")" \
	"ACL inherited by a file made over a whiteout"

# no stale ACL after a change: read (and cache) it, change it, check
must asuser 1000 cat "$M/stale" > /dev/null
acl_of "$M/stale" > /dev/null
must setfacl -m u:1000:--- "$M/stale"
asuser 1000 cat "$M/stale" > /dev/null 2>&1 && fail "stale ACL after setfacl"
must setfacl -x u:1000 "$M/stale"
must asuser 1000 cat "$M/stale" > /dev/null

# the union's ACL is the real file's, everywhere
for f in secret secret_up denied gdenied mine keep ddir ddir/new ddir/again stale; do
	real=$U/$f
	[ -e "$real" ] || real=$L/$f
	assert_eq "$(acl_of "$M/$f")" "$(acl_of "$real")" "ACL of $f"
done
lumount "$M"
