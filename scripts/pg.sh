#!/usr/bin/env bash
# A private PostgreSQL server for the test suite.
#   scripts/pg.sh start DIR   install Debian's server if absent, start a cluster in DIR, print its URL
#   scripts/pg.sh stop DIR    stop the cluster started in DIR and remove it
# BAOMI_PG_SETTINGS adds server settings to those below (e.g. "-c shared_buffers=4GB").
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}
# a free port unless one is named, so a server already running elsewhere is left alone
port=${BAOMI_TEST_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

as_owner() {
  # initdb and postgres refuse to run as root: run them as the postgres account then
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  if ! bindir >/dev/null; then
    echo "installing Debian's PostgreSQL server…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
  fi
  bin=$(bindir)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U baomi --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60 ${BAOMI_PG_SETTINGS:-}" \
    start >/dev/null
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U baomi baomi
  echo "postgres://baomi@127.0.0.1:$port/baomi"
  ;;
stop)
  bin=$(bindir)
  if [ -d "$dir/data" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
  ;;
esac
