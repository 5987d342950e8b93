#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a symlink to ".." used as a directory; refused, nothing changed.
. tests/host/lib.sh
hostile h_symlink_hop 'entry up/escape: passes through a symbolic link'
