#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: data shorter than its header says; refused, nothing changed.
. tests/host/lib.sh
hostile h_truncated_data 'entry big: data ends before the size in its header'
