#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a hard link to a path above the layer; refused, nothing changed.
. tests/host/lib.sh
hostile h_hardlink_outside 'entry h: hard link target .*path contains "\.\."'
