#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A malformed security.capability value (EINVAL from setxattr) is the
# image's fault: exit 2 (it was 4), nothing changed.
. tests/host/lib.sh
hostile h_xattr_malformed 'entry file: set xattr: Invalid argument'
