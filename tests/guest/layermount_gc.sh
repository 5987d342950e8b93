#!/bin/sh
# timeout: 300
# gc after a simulated reboot (mount states left, mounts gone, records
# from an earlier boot) returns the store to exactly the layers of the
# images it still records: dead mounts' states, stale tmp/ entries and
# forgotten images' layers go; --dry-run lists the same and removes
# nothing. A store from before records loses no layer without --all.
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

S=$T/store
s=$T/src
{ mkdir -p "$s/b1" "$s/b2" "$s/c1" "$s/c2" "$T/m1" "$T/m2" "$T/m3" &&
echo b1 > "$s/b1/b1" && echo b2 > "$s/b2/b2" &&
echo c1 > "$s/c1/c1" && echo c2 > "$s/c2/c2"; } || fail "sources"
sample_image "$T/a"
mkoci "$T/b" "$s/b1" "$s/b2"
mkoci "$T/c" "$s/c1" "$s/c2"
must "$LM" -q --store "$S" unpack "$T/a"
must "$LM" -q --store "$S" unpack "$T/b"
keep=$(names "$S/layers")
assert_eq "$(count "$S/layers")" 5 "layers of a and b"

# three mounts of three kinds, then c is forgotten
must "$LM" -q --store "$S" "$T/a" "$T/m1"
echo w > "$T/m1/w" || fail "write"
must "$LM" -q --store "$S" --type overlay --read-only "$T/b" "$T/m2"
must "$LM" -q --store "$S" --upper "$T/keep" "$T/c" "$T/m3"
must "$LM" -q --store "$S" rm "$(manifest_digest "$T/c")"
assert_eq "$(count "$S/layers")" 7 "layers with c"
# a live mount keeps the layers of a forgotten image
must "$LM" -q --store "$S" gc
assert_eq "$(count "$S/layers")" 7 "gc with c mounted"
assert_eq "$(count "$S/mounts")" 3 "gc with three mounts"

# the reboot: mounts gone without layermount, a killed unpack's leftover
{ umount "$T/m1" && umount "$T/m2" && umount "$T/m3"; } || fail "umount"
old_boot "$S"
mkdir "$S/tmp/0123.4567" || fail "tmp leftover"
snap() { find "$S" | sort; }
before=$(snap)
dry=$("$LM" --store "$S" gc --dry-run) || fail "gc --dry-run"
assert_eq "$(snap)" "$before" "gc --dry-run changed the store"
real=$("$LM" --store "$S" gc) || fail "gc"
assert_eq "$(printf '%s\n' "$real" | sed '$d')" \
	"$(printf '%s\n' "$dry" | sed '$d')" "gc and gc --dry-run lines"
assert_eq "$(printf '%s\n' "$real" | tail -n 1)" \
	"removed 2 layers, 3 mount states, 1 temporary entries" "gc summary"
assert_eq "$(printf '%s\n' "$dry" | tail -n 1)" \
	"would remove 2 layers, 3 mount states, 1 temporary entries" "dry-run summary"
assert_eq "$(names "$S/layers")" "$keep" "layers after gc"
assert_eq "$(count "$S/mounts")" 0 "mount states after gc"
assert_eq "$(count "$S/tmp")" 0 "tmp/ after gc"
assert_eq "$(count "$T/keep")" 2 "--upper dir kept"
# what is left mounts and reads as before
must "$LM" -q --store "$S" --read-only "$T/a" "$T/m1"
assert_eq "$(cat "$T/m1/etc/os-release")" ID=test "a after gc"
must "$LM" umount "$T/m1"
assert_eq "$("$LM" --store "$S" gc)" \
	"removed 0 layers, 0 mount states, 0 temporary entries" "gc twice"

# a store from before records: layers/, rootmeta/, tmp/, mounts/ only
O=$T/old
must "$LM" -q --store "$O" unpack "$T/a"
rm -r "$O/images" "$O/lock" || fail "make the old store"
old=$(names "$O/layers")
must "$LM" -q --store "$O" unpack "$T/c"
must "$LM" -q --store "$O" rm "$(manifest_digest "$T/c")"
must "$LM" -q --store "$O" gc
assert_eq "$(names "$O/layers")" "$old" "old store after gc"
must "$LM" -q --store "$O" gc --all
assert_eq "$(count "$O/layers")" 0 "old store after gc --all"
