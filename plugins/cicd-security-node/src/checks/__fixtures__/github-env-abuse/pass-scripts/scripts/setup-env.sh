#!/bin/sh
echo "BUILD_ID=$(date +%s)" >> "$GITHUB_ENV" # OK
