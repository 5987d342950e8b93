#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a ".." component; refused, nothing changed.
. tests/host/lib.sh
hostile h_dotdot 'entry \.\./escape: path contains "\.\."'
