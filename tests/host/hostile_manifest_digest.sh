#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a manifest that does not match its descriptor; refused, nothing changed.
. tests/host/lib.sh
hostile h_manifest_digest 'blob sha256:[0-9a-f]{64}: digest mismatch'
