#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a 256-byte name; refused, nothing changed.
. tests/host/lib.sh
hostile h_long_component 'name component longer than 255 bytes'
