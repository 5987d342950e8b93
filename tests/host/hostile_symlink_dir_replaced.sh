#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a directory replaced by a symlink later in the layer; refused, nothing changed.
. tests/host/lib.sh
hostile h_symlink_dir_replaced 'entry dir/file: passes through a symbolic link'
