#!/usr/bin/env bash
# Benchmarks on SQLite and on a private PostgreSQL server; results to docs/benchmarks.md.
#   BENCH_EVENTS=1000000 (default) sets the chain length for verify and proofs.
#   BENCH_DOCUMENTS=200000 and BENCH_COPIES=1000000 (defaults) set the size of the ledger.
#   BENCH_CIRCULATIONS=100000 and BENCH_LOANS=20000 (defaults) set the open flows on it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
out=$(mktemp -d /tmp/baomi-bench.XXXXXX)
events=${BENCH_EVENTS:-1000000}
documents=${BENCH_DOCUMENTS:-200000}
copies=${BENCH_COPIES:-1000000}
circulations=${BENCH_CIRCULATIONS:-100000}
loans=${BENCH_LOANS:-20000}
pg=$(mktemp -d /tmp/baomi-pg.XXXXXX)
trap 'scripts/pg.sh stop "$pg"; rm -rf "$out"' EXIT

export BAOMI_DATA_DIR="$out/var"
echo "== audit chain on SQLite ($events events)"
DATABASE_URL= "$bin/python" -m bench.audit_bench --events "$events" --json "$out/sqlite.json"
echo "== audit chain on PostgreSQL ($events events)"
# shared_buffers as a production server sets it, a quarter of the memory (PostgreSQL's own
# guidance), rather than the 128 MB a fresh cluster starts with: the million-event table is
# 320 MB, and read from the kernel's cache instead it costs verify a tenth to a fifth more
memory_mb=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
url=$(BAOMI_PG_SETTINGS="-c shared_buffers=$((memory_mb / 4))MB" scripts/pg.sh start "$pg")
DATABASE_URL="$url" "$bin/python" -m bench.audit_bench --events "$events" --json "$out/postgres.json"
echo "== ledger on SQLite ($documents documents, $copies copies)"
BAOMI_DATA_DIR="$out/ledger" DATABASE_URL= "$bin/python" -m bench.ledger_bench \
  --documents "$documents" --copies "$copies" --json "$out/ledger_sqlite.json"
echo "== ledger on PostgreSQL ($documents documents, $copies copies)"
"$bin/python" -c 'import sys, psycopg; psycopg.connect(sys.argv[1], autocommit=True).execute("CREATE DATABASE baomi_ledger")' "$url"
BAOMI_DATA_DIR="$out/ledger" DATABASE_URL="${url%/*}/baomi_ledger" "$bin/python" -m bench.ledger_bench \
  --documents "$documents" --copies "$copies" --json "$out/ledger_postgres.json"
echo "== flows on SQLite ($circulations circulations, $loans loans)"
BAOMI_DATA_DIR="$out/flows" DATABASE_URL= "$bin/python" -m bench.flows_bench \
  --documents "$documents" --copies "$copies" --circulations "$circulations" --loans "$loans" \
  --json "$out/flows_sqlite.json"
echo "== flows on PostgreSQL ($circulations circulations, $loans loans)"
"$bin/python" -c 'import sys, psycopg; psycopg.connect(sys.argv[1], autocommit=True).execute("CREATE DATABASE baomi_flows")' "$url"
BAOMI_DATA_DIR="$out/flows" DATABASE_URL="${url%/*}/baomi_flows" "$bin/python" -m bench.flows_bench \
  --documents "$documents" --copies "$copies" --circulations "$circulations" --loans "$loans" \
  --json "$out/flows_postgres.json"
echo "== policy decisions"
DATABASE_URL= "$bin/python" -m bench.policy_bench --json "$out/policy.json"
echo "== review scanner (20,000 documents of 3,000 characters, one core)"
"$bin/python" -m bench.review_scan --json "$out/review.json"
"$bin/python" -m bench.report "$out" docs/benchmarks.md
echo "written: docs/benchmarks.md"
