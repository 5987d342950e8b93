#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: more diff_ids than layers; refused, nothing changed.
. tests/host/lib.sh
hostile h_diff_id_count '3 diff_ids for 2 layers'
