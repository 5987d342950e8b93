#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A docker save tar with two manifest.json members (tar -x would keep the
# second, an index reader might take the first): ambiguous, refused.
. tests/host/lib.sh
hostile h_docker_dup_member 'manifest\.json: two members of this name \(ambiguous archive\)'
