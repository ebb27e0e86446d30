#!/usr/bin/env bash
# Benchmarks on SQLite and on a private PostgreSQL server; results to docs/benchmarks.md.
#   BENCH_EVENTS=1000000 (default) sets the chain length for verify and proofs.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
out=$(mktemp -d /tmp/baomi-bench.XXXXXX)
events=${BENCH_EVENTS:-1000000}
pg=$(mktemp -d /tmp/baomi-pg.XXXXXX)
trap 'scripts/pg.sh stop "$pg"; rm -rf "$out"' EXIT

export BAOMI_DATA_DIR="$out/var"
echo "== audit chain on SQLite ($events events)"
DATABASE_URL= "$bin/python" -m bench.audit_bench --events "$events" --json "$out/sqlite.json"
echo "== audit chain on PostgreSQL ($events events)"
url=$(scripts/pg.sh start "$pg")
DATABASE_URL="$url" "$bin/python" -m bench.audit_bench --events "$events" --json "$out/postgres.json"
echo "== policy decisions"
DATABASE_URL= "$bin/python" -m bench.policy_bench --json "$out/policy.json"
"$bin/python" -m bench.report "$out" docs/benchmarks.md
echo "written: docs/benchmarks.md"
