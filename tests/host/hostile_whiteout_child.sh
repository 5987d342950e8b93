#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a whiteout used as a directory; refused, nothing changed.
. tests/host/lib.sh
hostile h_whiteout_child 'entry \.wh\.x/child: uses a whiteout name as a directory'
