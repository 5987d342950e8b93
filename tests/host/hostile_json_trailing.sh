#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: JSON followed by more JSON; refused, nothing changed.
. tests/host/lib.sh
hostile h_json_trailing 'index\.json: malformed JSON'
