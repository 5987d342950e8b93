#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a layer blob that does not match its descriptor; refused, nothing changed.
. tests/host/lib.sh
hostile h_blob_digest 'blob sha256:[0-9a-f]{64}: digest mismatch'
