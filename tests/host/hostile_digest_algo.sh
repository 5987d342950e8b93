#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a digest of another algorithm; refused, nothing changed.
. tests/host/lib.sh
hostile h_digest_algo 'malformed or unsupported digest "md5:'
