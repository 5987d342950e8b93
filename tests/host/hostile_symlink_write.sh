#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a file written through a symlink; refused, nothing changed.
. tests/host/lib.sh
hostile h_symlink_write 'entry link/file: passes through a symbolic link'
