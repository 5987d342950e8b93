#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: the whiteout ".wh."; refused, nothing changed.
. tests/host/lib.sh
hostile h_whiteout_empty 'entry \.wh\.: whiteout of an invalid name'
