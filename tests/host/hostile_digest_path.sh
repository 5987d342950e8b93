#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a digest that leaves blobs/; refused, nothing changed.
. tests/host/lib.sh
hostile h_digest_path 'malformed or unsupported digest "sha256:\.\./'
