#!/bin/sh
# Control case: a skip is reported with its reason and is not a failure.
. /tests/lib.sh
skip "deliberate skip"
