#!/usr/bin/env bash
# OK: only downloads data
curl -fsSL https://example.com/data.json -o data.json
