#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: manifest.json naming a file above the image; refused, nothing changed.
. tests/host/lib.sh
hostile h_manifest_path '\.\./outside/layer\.tar: path leaves the image'
