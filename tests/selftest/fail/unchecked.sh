#!/bin/sh
# An unchecked command that fails stops the test and names its line.
. /tests/lib.sh
false
echo "not reached"
