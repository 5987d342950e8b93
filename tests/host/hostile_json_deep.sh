#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: JSON nested 5000 deep; refused, nothing changed.
. tests/host/lib.sh
hostile h_json_deep 'index\.json: malformed JSON'
