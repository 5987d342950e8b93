#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: ".." after a directory; refused, nothing changed.
. tests/host/lib.sh
hostile h_dotdot_mid 'entry a/\.\./\.\./escape: path contains "\.\."'
