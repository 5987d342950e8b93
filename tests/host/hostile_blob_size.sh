#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a layer blob longer than its descriptor says; refused, nothing changed.
. tests/host/lib.sh
hostile h_blob_size 'blob sha256:[0-9a-f]{64}: size 6[0-9]+ does not match its descriptor'
