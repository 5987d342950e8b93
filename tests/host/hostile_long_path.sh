#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a 4220-byte path; refused, nothing changed.
. tests/host/lib.sh
hostile h_long_path 'path longer than 4096 bytes'
