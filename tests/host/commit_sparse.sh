#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# layermount commit writes files with holes dense by default (the entry's
# size is the file's, no sparse map, every byte in the tar) and, with
# --sparse, as PAX GNU.sparse 1.0 entries holding only the data regions
# found with SEEK_DATA/SEEK_HOLE: a smaller tar that GNU tar and a
# layermount mount read back as the same files.  --max-bytes counts the
# bytes written: a sparse commit fits where the dense one does not.
. tests/host/lib.sh

can_mount_overlay
trap 'umount "$T/m" "$T/n" 2>/dev/null || true' EXIT
mkimage basic "$T/img"
mkdir "$T/m" "$T/n" "$T/x"
lm -q --type overlay --ref basic "$T/img" "$T/m"
# holes: 1 MiB of data, an 8 MiB hole, 1 MiB of data, a 6 MiB hole (its
# map: two data regions and, as GNU tar writes it, an empty one at the end)
head -c 1M /dev/urandom >"$T/m/holes"
head -c 1M /dev/urandom | dd of="$T/m/holes" bs=1M seek=9 conv=notrunc status=none
truncate -s 16M "$T/m/holes"
truncate -s 4M "$T/m/allhole"
head -c 100000 /dev/urandom >"$T/m/dense"
[ "$(stat -c %b "$T/m/holes")" -lt 8192 ] ||
	fail "the upper's filesystem did not keep the holes"
tree "$T/m" >"$RUN/want"
lm -q commit --compress none --output "$T/dense" "$T/m"
lm -q commit --compress none --sparse --output "$T/sparse" "$T/m"

# size and sparse regions of entry NAME in LIST
oci "$T/dense" entries >"$RUN/dense"
oci "$T/sparse" entries >"$RUN/sparse"
sized() { entry "$1" "$2" | cut -d'|' -f2,5; }
[ "$(sized "$RUN/dense" holes)" = "16777216|-" ] ||
	fail "dense holes: $(sized "$RUN/dense" holes)"
[ "$(sized "$RUN/dense" allhole)" = "4194304|-" ] ||
	fail "dense allhole: $(sized "$RUN/dense" allhole)"
! grep -q GNU.sparse "$RUN/dense" || fail "sparse records in a dense commit"
[ "$(sized "$RUN/sparse" holes)" = "16777216|3" ] ||
	fail "sparse holes: $(sized "$RUN/sparse" holes)"
[ "$(sized "$RUN/sparse" allhole)" = "4194304|1" ] ||
	fail "sparse allhole: $(sized "$RUN/sparse" allhole)"
[ "$(sized "$RUN/sparse" dense)" = "100000|-" ] ||
	fail "a file without holes is not dense: $(sized "$RUN/sparse" dense)"
d=$(stat -c %s "$(oci "$T/dense" top_layer)")
s=$(stat -c %s "$(oci "$T/sparse" top_layer)")
[ "$d" -gt $((20 << 20)) ] || fail "the dense layer holds $d bytes"
[ "$s" -lt $((3 << 20)) ] || fail "the sparse layer holds $s bytes"

# read back: by GNU tar, and by a mount of the commit
tar -xf "$(oci "$T/sparse" top_layer)" -C "$T/x"
for f in holes allhole dense; do
	cmp "$T/m/$f" "$T/x/$f" || fail "GNU tar: $f differs"
done
lm -q --type overlay --read-only "$T/sparse" "$T/n"
tree "$T/n" >"$RUN/got"
lm umount "$T/n"
diff -u "$RUN/want" "$RUN/got" || fail "the sparse commit mounts as another tree"

# --max-bytes: 21 MiB of file size, 2 MiB and 100 kB of data
run_lm commit --max-bytes 8M --output "$T/capped" "$T/m"
expect_rc 2
expect_err "more bytes than the cap"
lm -q commit --max-bytes 8M --sparse --output "$T/fits" "$T/m"
lm umount "$T/m"
note "16 MiB with 2 MiB of data: dense layer $d bytes, sparse $s"
