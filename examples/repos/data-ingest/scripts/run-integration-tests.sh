#!/usr/bin/env bash
# Runs the integration tests against a throw-away Kafka broker.
set -euo pipefail
docker compose -f tests/compose.yml up -d --wait
trap 'docker compose -f tests/compose.yml down -v' EXIT
python -m pytest -m integration -q
