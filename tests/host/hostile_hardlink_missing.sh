#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a hard link to nothing; refused, nothing changed.
. tests/host/lib.sh
hostile h_hardlink_missing 'entry h: hard link target does not exist'
