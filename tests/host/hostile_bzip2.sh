#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a bzip2 layer; refused, nothing changed.
. tests/host/lib.sh
hostile h_bzip2 'unsupported compression'
