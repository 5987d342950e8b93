#!/bin/sh
# Control case: a test that passes, in a guest that shuts down cleanly.
. /tests/lib.sh
echo data > "$T/f"
assert_eq "$(cat "$T/f")" data "file content"
