#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: bytes after the gzip stream; refused, nothing changed.
. tests/host/lib.sh
hostile h_gzip_garbage 'trailing garbage after the gzip stream'
