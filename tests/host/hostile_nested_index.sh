#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: indexes nested 12 deep; refused, nothing changed.
. tests/host/lib.sh
hostile h_nested_index 'nested deeper than 8'
