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
	guest_test "$kver" images minbase "$cache" --mem 3072
done
