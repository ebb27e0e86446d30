#!/usr/bin/env bash
# The whole suite: everything on SQLite, then the database suite on a real PostgreSQL server
# (BAOMI_TEST_PG_URL names a running one; otherwise a private server is started and stopped).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
# one test process per core (pytest-xdist); BAOMI_TEST_WORKERS=0 runs in this process alone
workers=(-n "${BAOMI_TEST_WORKERS:-auto}")

if [ ! -x "${BAOMI_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "installing Debian's chromium for the browser tests…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

echo "== SQLite: the whole suite"
DATABASE_URL= "$bin/pytest" "${workers[@]}"

echo "== PostgreSQL: the database suite"
url=${BAOMI_TEST_PG_URL:-}
if [ -z "$url" ]; then
  dir=$(mktemp -d /tmp/baomi-pg.XXXXXX)
  trap 'scripts/pg.sh stop "$dir"' EXIT
  url=$(scripts/pg.sh start "$dir")
fi
DATABASE_URL="$url" "$bin/pytest" "${workers[@]}" -m "db and not browser and not slow"
