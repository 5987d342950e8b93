#!/bin/sh
# timeout: 300
# layermount_upper with --type layerfs.
TYPE=layerfs
. /tests/guest/layermount_upper.sh
