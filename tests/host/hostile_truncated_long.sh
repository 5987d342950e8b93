#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a 1 MiB entry cut after 3 KiB; refused, nothing changed.
. tests/host/lib.sh
hostile h_truncated_long 'entry big: data ends before the size in its header'
