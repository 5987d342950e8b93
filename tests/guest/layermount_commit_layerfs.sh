#!/bin/sh
# timeout: 600
# layermount_commit with --type layerfs.
TYPE=layerfs
. /tests/guest/layermount_commit.sh
