#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `start` prints the export lines to eval,
# `stop FOLDER` stops it and deletes it.
#
#   eval "$(bash tools/test_postgres.sh start)"   # sets CIN_TEST_POSTGRES and CIN_PG_FOLDER
#   .venv/bin/python -m pytest -q tests/models
#   bash tools/test_postgres.sh stop "$CIN_PG_FOLDER"
#
# PostgreSQL refuses to run as root: as root the cluster runs as the unprivileged user `cinpg`
# (made if missing). The server listens only on a unix socket inside the folder (no TCP), with
# fsync off: it is thrown away. Installs Debian's `postgresql` when initdb is missing.
set -euo pipefail

find_bin() {
  local found
  found="$(command -v initdb 2>/dev/null || true)"
  if [ -z "$found" ]; then
    found="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
  fi
  [ -n "$found" ] && dirname "$found"
}

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u cinpg -- "$@"; else "$@"; fi
}

start() {
  local bin folder port
  bin="$(find_bin || true)"
  if [ -z "$bin" ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql \
      >/dev/null) >&2 || { echo "could not install postgresql" >&2; exit 1; }
    bin="$(find_bin)"
  fi
  if [ "$(id -u)" = "0" ] && ! id cinpg >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin cinpg
  fi
  folder="$(mktemp -d /tmp/cin-pg.XXXXXX)"
  chmod 0755 "$folder"
  [ "$(id -u)" = "0" ] && chown cinpg "$folder"
  port=$(( 20000 + RANDOM % 20000 ))  # the socket file's name only: no TCP
  as_owner "$bin/initdb" -D "$folder/data" -U postgres --auth=trust -E UTF8 --locale=C \
    >"$folder/initdb.log" 2>&1 || { cat "$folder/initdb.log" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 60 start \
    -o "-c listen_addresses='' -k $folder -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || { cat "$folder/server.log" >&2; exit 1; }
  echo "export CIN_PG_FOLDER='$folder'"
  echo "export CIN_TEST_POSTGRES='postgresql://postgres@/postgres?host=$folder&port=$port'"
}

stop() {
  local folder="${1:-${CIN_PG_FOLDER:-}}" bin
  [ -n "$folder" ] && [ -d "$folder" ] || return 0
  case "$folder" in /tmp/cin-pg.*) ;; *) echo "not a test cluster: $folder" >&2; exit 1;; esac
  bin="$(find_bin)"
  as_owner "$bin/pg_ctl" -D "$folder/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$folder"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop FOLDER" >&2; exit 2 ;;
esac
