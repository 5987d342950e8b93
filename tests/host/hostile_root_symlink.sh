#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: the root entry is a symlink; refused, nothing changed.
. tests/host/lib.sh
hostile h_root_symlink 'entry \.: the layer root replaced by a non-directory'
