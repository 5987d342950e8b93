#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# layermount inspect needs no root and no store: as uid 65534 it reads an
# OCI layout, a docker save tar and a gzip-compressed one (decompressed
# into an unnamed file in $TMPDIR), reports what root's run reports, and
# leaves the store location and $TMPDIR empty.
. tests/host/lib.sh

chmod 0755 "$T"
mkimage inspect_secrets "$T/oci"
mkimage docker_tar "$T/docker.tar"
gzip -c "$T/docker.tar" >"$T/docker.tar.gz"
chmod -R go+rX "$T/oci" "$T/docker.tar" "$T/docker.tar.gz"
mkdir -m 1777 "$T/tmp"
nobody() {
	setpriv --reuid 65534 --regid 65534 --clear-groups \
		env TMPDIR="$T/tmp" LAYERMOUNT_STORE="$T/store" "$@"
}
for img in oci docker.tar docker.tar.gz; do
	nobody "$LAYERMOUNT" inspect --json --files "$T/$img" >"$RUN/user.json" ||
		fail "$img: inspect as uid 65534 exited $?"
	"$LAYERMOUNT" inspect --json --files "$T/$img" >"$RUN/root.json"
	cmp "$RUN/user.json" "$RUN/root.json" ||
		fail "$img: uid 65534 and root see different reports"
	note "$img: $(wc -c <"$RUN/user.json") bytes of JSON, as root's"
done
[ ! -e "$T/store" ] || fail "inspect made a store"
[ "$(count "$T/tmp")" -eq 0 ] || fail "inspect left files in \$TMPDIR"
# a blob the user cannot read: refused with a message, as unpack refuses it
chmod 0600 "$T"/oci/blobs/sha256/*
set +e
nobody "$LAYERMOUNT" inspect "$T/oci" >/dev/null 2>"$RUN/err"
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "inspect read a blob it may not"
note "unreadable image: exit $rc, $(head -n 1 "$RUN/err")"
