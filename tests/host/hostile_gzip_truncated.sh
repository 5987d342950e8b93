#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a gzip stream cut short; refused, nothing changed.
. tests/host/lib.sh
hostile h_gzip_truncated 'gzip stream truncated'
