#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: truncated JSON; refused, nothing changed.
. tests/host/lib.sh
hostile h_json_malformed 'index\.json: malformed JSON'
