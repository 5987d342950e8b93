#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: the root entry is a file; refused, nothing changed.
. tests/host/lib.sh
hostile h_root_file 'entry \.: the layer root replaced by a non-directory'
