#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: manifest.json in a tar naming a file above it; refused, nothing changed.
. tests/host/lib.sh
hostile h_manifest_path_tar 'a/\.\./\.\./layer\.tar: path leaves the image'
