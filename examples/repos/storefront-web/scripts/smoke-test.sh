#!/usr/bin/env bash
# Starts the built site in a container and checks that the main pages answer.
set -euo pipefail

image="${1:-storefront-web:ci}"
container=$(docker run -d -p 8080:8080 "$image")
trap 'docker rm -f "$container" >/dev/null' EXIT

for _ in $(seq 1 30); do
  if curl --fail --silent --show-error --proto '=https,http' http://localhost:8080/ >/dev/null; then
    break
  fi
  sleep 1
done

for path in / /index.html; do
  status=$(curl --silent --output /dev/null --write-out '%{http_code}' "http://localhost:8080${path}")
  if [[ "$status" != "200" ]]; then
    echo "GET ${path} returned ${status}" >&2
    exit 1
  fi
done
echo "smoke test passed"
