#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a wrong gzip length; refused, nothing changed.
. tests/host/lib.sh
hostile h_gzip_length 'corrupt gzip stream: incorrect length check'
