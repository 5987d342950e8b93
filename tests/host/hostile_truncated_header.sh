#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a stream ending inside a header; refused, nothing changed.
. tests/host/lib.sh
hostile h_truncated_header 'truncated layer'
