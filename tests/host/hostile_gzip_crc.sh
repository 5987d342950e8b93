#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: a wrong gzip CRC; refused, nothing changed.
. tests/host/lib.sh
hostile h_gzip_crc 'corrupt gzip stream: incorrect data check'
