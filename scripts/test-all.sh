#!/usr/bin/env bash
# Installs everything the tests need and runs them all:
#   system packages (Debian: chromium for the browser test, postgresql for the store tests),
#   npm dependencies, type check, unit/integration tests on SQLite and PostgreSQL,
#   the secret rules' linear-time benchmark, the browser test (its own portal on free ports, so a demo portal on
#   3000/7007 may keep running), the project's scan of
#   itself with its own CLI and the npm audit gate.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { echo "== [$(( $(date +%s) - started )) s] $*"; }

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  need=""
  [ -x /usr/bin/chromium ] || need="$need chromium"
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
  if [ -n "$need" ]; then
    step "apt-get install$need"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
  fi
fi

step "npm ci"
npm ci --no-audit --no-fund --loglevel=error

step "PostgreSQL"
eval "$(scripts/pg-start.sh)"
export BACKSTAGE_TEST_DISABLE_DOCKER=1

step "format check (Prettier)"
npx prettier --check --loglevel warn .

step "lint (ESLint, Backstage's rules)"
npx backstage-cli repo lint

step "tsc"
npx tsc --noEmit

step "unit and integration tests"
CI=true npx backstage-cli repo test --watchAll=false

step "hostile input, linear time: every secret rule at a quarter and the whole of a megabyte (exits 1 above 10x)"
node --expose-gc bench/run.js hostile --only secret-rules | tail -n 3

step "browser test"
if [ -x /usr/bin/chromium ]; then
  node e2e/run.js
else
  echo "SKIPPED: browser test (Debian's chromium is not installed: apt-get install -y chromium)"
fi

step "pack and install: the packages as users install them (npm pack, install outside the repository, CLI, guides, backend files)"
node scripts/pack-install.js

step "load, bounded: 1,000 components, 20 clients, 20 s (the full form: node --expose-gc bench/run.js soak)"
node --expose-gc bench/run.js soak --entities 1000 --duration 20 --clients 20 --db sqlite

step "self-scan: the project's own CLI on this repository (grade A, no failing high or critical check)"
node scripts/self-scan.js

step "npm audit (high and critical; exceptions in audit-exceptions.json)"
node scripts/npm-audit.js

step "all tests passed"
