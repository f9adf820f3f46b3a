#!/usr/bin/env bash
# Start PostgreSQL and Redis on loopback for the test run; prints the URLs to export.
set -euo pipefail
PG_PORT=${PG_PORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
PGDATA=${PGDATA:-/tmp/chengxin-ci-pg}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
  rm -rf "$PGDATA"
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  su postgres -c "$PGBIN/initdb -D $PGDATA -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
  su postgres -c "$PGBIN/pg_ctl -D $PGDATA -l $PGDATA/server.log -o '-c listen_addresses=127.0.0.1 -p $PG_PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off' -w start" >/dev/null \
    || { echo "PostgreSQL did not start:" >&2; tail -n 20 "$PGDATA/server.log" >&2; exit 1; }
fi
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='chengxin_test'" | grep -q 1 \
  || psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE chengxin_test" >/dev/null

if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
    --dir /tmp --logfile /tmp/chengxin-ci-redis.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "export CHENGXIN_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/chengxin_test"
echo "export CHENGXIN_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/15"
