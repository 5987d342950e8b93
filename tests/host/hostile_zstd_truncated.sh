#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a zstd stream cut short; refused, nothing changed.
. tests/host/lib.sh
hostile h_zstd_truncated 'zstd stream truncated'
