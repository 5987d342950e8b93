#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile layer: manifest.json naming an absolute path; refused, nothing changed.
. tests/host/lib.sh
hostile h_manifest_abs '/layer\.tar: path leaves the image'
