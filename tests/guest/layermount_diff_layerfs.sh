#!/bin/sh
# timeout: 300
# layermount_diff with --type layerfs.
TYPE=layerfs
. /tests/guest/layermount_diff.sh
