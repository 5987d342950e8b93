#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a hard link to an absolute path (normalised into the layer, missing); refused, nothing changed.
. tests/host/lib.sh
hostile h_hardlink_abs_missing 'entry h: hard link target does not exist'
