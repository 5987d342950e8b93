#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A Debian minbase tree made with debootstrap as the base layer of a umoci
# image (vm/minbase-image.sh, cached in $LFS_IMAGE_CACHE), mounted in a
# guest on each kernel of KVERS with layerfs and overlay
# (tests/images/minbase.sh): the mounts show the tree `umoci unpack` made.
# guests: each kernel, after vm/minbase-image.sh
. tests/host/lib.sh

command -v debootstrap >/dev/null || fail "debootstrap not installed (make deps)"
command -v umoci >/dev/null || fail "umoci not installed (make deps)"
cache=$(vm/minbase-image.sh) || fail "cannot build the minbase image"
note "image $(du -sh "$cache/image" | cut -f1), $(wc -l < "$cache/want.tree") tree lines"

for kver in ${KVERS:-6.1 6.12}; do
	rc=0
	vm/run.sh --kver "$kver" --suite images --tests minbase --mem 3072 \
		--data "$cache" --out "$T/vm-$kver" > "$RUN/$kver.txt" 2>&1 || rc=$?
	sed 's/^/# /' "$RUN/$kver.txt"
	[ $rc -eq 0 ] || fail "$kver: guest run exited $rc"
	grep -Eq '^ok [0-9]+ minbase # [0-9.]+ s$' "$RUN/$kver.txt" ||
		fail "$kver: minbase did not pass"
done
