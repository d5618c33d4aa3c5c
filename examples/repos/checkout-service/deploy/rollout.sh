#!/usr/bin/env bash
# Rolls the given image tag out to the target environment.
set -euo pipefail
env="$1"
tag="$2"
kubectl --context "acme-${env}" -n payments set image deployment/checkout-service \
  app="harbor.acme.example.com/payments/checkout-service:${tag}"
kubectl --context "acme-${env}" -n payments rollout status deployment/checkout-service --timeout=5m
