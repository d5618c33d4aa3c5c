#!/bin/sh
echo "$PWD/pr-bin" | tee -a "${GITHUB_PATH}" # NOT OK
