#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a corrupt deflate stream; refused, nothing changed.
. tests/host/lib.sh
hostile h_gzip_corrupt 'corrupt gzip stream'
