#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: ".wh.." in a directory; refused, nothing changed.
. tests/host/lib.sh
hostile h_whiteout_dot 'entry d/\.wh\.\.: whiteout of an invalid name'
