#!/usr/bin/env bash
# Stops the cluster scripts/postgres/start.sh started and deletes its folder
# (data, log, pgpass, env). Safe to run when nothing is running.
set -euo pipefail

DIR=${NOVAFORM_PG_DIR:-/tmp/novaform-postgres}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

if [ -n "$PG_BIN" ] && [ -f "$DIR/cluster/data/postmaster.pid" ]; then
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DIR/cluster/data" -m fast -w -t 60 stop >/dev/null
  else
    "$PG_BIN/pg_ctl" -D "$DIR/cluster/data" -m fast -w -t 60 stop >/dev/null
  fi
fi
rm -rf "$DIR"
echo "stop.sh: stopped and removed $DIR" >&2
