#!/usr/bin/env bash
set -euo pipefail
gh run download "$1" --name pr
# A comment that mentions >> $GITHUB_ENV is not a write. # OK
echo "PR_NUMBER=$(cat pr/number.txt)" >> "$GITHUB_ENV" # NOT OK
