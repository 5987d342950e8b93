#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A 1 PiB sparse file (more than the store's filesystem holds: EFBIG) is
# the image's fault: exit 2 (it was 4), nothing changed.
. tests/host/lib.sh
[ "$(stat -f -c %T "$T")" != tmpfs ] ||
	skip "tmpfs holds a 1 PiB sparse file: no EFBIG to provoke"
hostile h_sparse_huge 'entry huge: write: File too large'
