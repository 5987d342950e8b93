#!/bin/sh
# listxattr through the union shows a caller exactly the names the real
# filesystem shows that caller: no trusted.* names without CAP_SYS_ADMIN,
# never trusted.overlay.* names.
. /tests/lib.sh
. /tests/guest/union-lib.sh

must mkdir -p "$T/l1" "$T/u" "$T/w" "$T/ref"
for d in "$T/l1" "$T/ref"; do
	echo x > "$d/f" || fail "create $d/f"
	must setfattr -n trusted.secret -v s "$d/f"
	must setfattr -n security.label -v l "$d/f"
done
echo x > "$T/l1/up" || fail "create up"
must setfattr -n trusted.secret -v s "$T/l1/up"
must setfattr -n trusted.overlay.hidden -v h "$T/l1/f"
M=$T/m
lmount "$M" "lowerdir=$T/l1,upperdir=$T/u,workdir=$T/w"
must touch -c "$M/up"

# names_of [asuser UID] FILE: the xattr names listxattr gives, sorted
names_of() {
	_l=$("$@" 2>&1) || fail "listxattr: $*: $_l"
	printf '%s\n' "$_l" | tail -n +2 | sort | tr '\n' ' '
}
root_names_of() {
	names_of tryop listxattr "$1"
}
user_names_of() {
	names_of asuser 1000 tryop listxattr "$1"
}

assert_eq "$(root_names_of "$M/f")" "$(root_names_of "$T/ref/f")" "root's list"
assert_eq "$(user_names_of "$T/ref/f")" "security.label " "real filesystem's list for uid 1000"
assert_eq "$(user_names_of "$M/f")" "$(user_names_of "$T/ref/f")" "uid 1000's list (lower)"
assert_eq "$(user_names_of "$M/up")" "" "uid 1000's list (upper)"
assert_eq "$(root_names_of "$M/up")" "trusted.secret " "root's list (upper)"
lumount "$M"
