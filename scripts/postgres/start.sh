#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests (issue 13), on
# 127.0.0.1 only, and writes an env file the tests read:
#
#   scripts/postgres/start.sh            # cluster in $NOVAFORM_PG_DIR (default /tmp/novaform-postgres)
#   . /tmp/novaform-postgres/env         # NOVAFORM_TEST_POSTGRES, PGPASSFILE
#   scripts/postgres/stop.sh
#
# - initdb refuses root: as root the cluster runs as the `postgres` OS user
#   (runuser), otherwise as the calling user.
# - The superuser `novaform` gets a random scram-sha-256 password, kept only
#   in a 0600 pgpass file owned by the caller (libpq's format, which the pg
#   client reads through PGPASSFILE); no URL or log carries it.
# - A cluster already running in the folder is stopped and replaced.
set -euo pipefail

DIR=${NOVAFORM_PG_DIR:-/tmp/novaform-postgres}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  echo "start.sh: no PostgreSQL server binaries (install Debian's postgresql, or set PG_BIN)" >&2
  exit 1
fi
T0=$(date +%s)

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ -f "$DIR/cluster/data/postmaster.pid" ]; then
  as_owner "$PG_BIN/pg_ctl" -D "$DIR/cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
fi
rm -rf "$DIR"
mkdir -p "$DIR"
chmod 0755 "$DIR"
mkdir -m 0700 "$DIR/cluster"
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$DIR/cluster"
  if ! runuser -u postgres -- test -x "$DIR/cluster"; then
    echo "start.sh: the postgres user cannot reach $DIR (a parent folder is private); choose another NOVAFORM_PG_DIR" >&2
    exit 1
  fi
fi

PASSWORD=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
PORT=$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")

# The password reaches initdb through a file only the cluster's owner can read, removed right after.
PWFILE="$DIR/cluster/pwfile"
( umask 077; printf '%s\n' "$PASSWORD" > "$PWFILE" )
[ "$(id -u)" = 0 ] && chown postgres: "$PWFILE"
as_owner "$PG_BIN/initdb" -D "$DIR/cluster/data" --username=novaform --pwfile="$PWFILE" \
  --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 > "$DIR/initdb.log" 2>&1 \
  || { echo "start.sh: initdb failed:" >&2; cat "$DIR/initdb.log" >&2; exit 1; }
rm -f "$PWFILE"

as_owner "$PG_BIN/pg_ctl" -D "$DIR/cluster/data" -l "$DIR/cluster/postgres.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$DIR/cluster -c max_connections=200" start >/dev/null \
  || { echo "start.sh: pg_ctl start failed:" >&2; tail -n 30 "$DIR/cluster/postgres.log" >&2; exit 1; }

( umask 077; printf '127.0.0.1:%s:*:novaform:%s\n' "$PORT" "$PASSWORD" > "$DIR/pgpass" )
cat > "$DIR/env" <<ENV
export NOVAFORM_TEST_POSTGRES=postgres://novaform@127.0.0.1:$PORT/postgres
export PGPASSFILE=$DIR/pgpass
ENV
cat "$DIR/env"
echo "start.sh: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT in $(( $(date +%s) - T0 )) s (env: $DIR/env)" >&2
