#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A symbolic link target over 4095 bytes is the image's fault: exit 2
# (it was "system error", 4), nothing changed.
. tests/host/lib.sh
hostile h_symlink_long 'entry link: symbolic link target longer than 4095 bytes'
