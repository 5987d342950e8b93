#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a hard link through a symlink; refused, nothing changed.
. tests/host/lib.sh
hostile h_hardlink_symlink 'entry h: hard link target passes through a symbolic link'
