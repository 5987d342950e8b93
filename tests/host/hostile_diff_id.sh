#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a layer that does not match its diff_id; refused, nothing changed.
. tests/host/lib.sh
hostile h_diff_id 'diff_id mismatch'
