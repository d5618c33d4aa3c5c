#!/bin/sh
set -e
# NOT OK
curl -fsSL https://example.com/installer -o installer.sh
sh installer.sh
