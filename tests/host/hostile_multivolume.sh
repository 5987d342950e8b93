#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A GNU tar multi-volume continuation entry (type 'M') is refused and named
# as such (it was "unsupported entry type 00").
. tests/host/lib.sh
hostile h_multivolume "entry part: multi-volume continuation entry \(tar type 'M'\)"
