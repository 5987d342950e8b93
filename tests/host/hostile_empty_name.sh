#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: an entry with an empty name; refused, nothing changed.
. tests/host/lib.sh
hostile h_empty_name 'empty name'
