#!/usr/bin/env bash
# Start a local PostgreSQL (Debian's packages) with role and database edudx/edudx. Needs root.
set -euo pipefail
command -v pg_ctlcluster >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
PGVER=$(ls /usr/lib/postgresql | sort -V | tail -1)
pg_lsclusters -h | grep -q "^$PGVER main" || pg_createcluster "$PGVER" main >/dev/null
if [ "${CI:-}" = "true" ] || [ "${EDUDX_PG_FAST:-1}" = "1" ]; then
  # Tests only: durability off for speed.
  printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' > "/etc/postgresql/$PGVER/main/conf.d/zz-edudx-test.conf"
fi
# Sized like a modest production server, so big imports are measured as they would run there
# (edudx/ingest/README.md, PostgreSQL): a 1 GB buffer cache holds the indexes a city load keeps
# up to date; 4 GB of WAL between checkpoints spares it forced checkpoints (and, with
# full_page_writes on, a full page image of every index page it touches after each one);
# random_page_cost 1.1 as for SSD storage (with 4, lookups of a few thousand keys read whole tables).
printf 'shared_buffers = 1GB\nmax_wal_size = 4GB\ncheckpoint_timeout = 15min\nrandom_page_cost = 1.1\n' > "/etc/postgresql/$PGVER/main/conf.d/zz-edudx.conf"
if pg_ctlcluster "$PGVER" main status >/dev/null 2>&1; then
  pg_ctlcluster "$PGVER" main reload
  # shared_buffers needs a restart; not done here, as it would cut every open session.
  sleep 1
  pending=$(runuser -u postgres -- psql -Atc "SELECT string_agg(name, ', ') FROM pg_settings WHERE pending_restart")
  [ -z "$pending" ] || echo "PostgreSQL: restart to apply $pending: pg_ctlcluster $PGVER main restart" >&2
else
  pg_ctlcluster "$PGVER" main start
fi
runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q <<'SQL'
SELECT 'CREATE ROLE edudx LOGIN CREATEDB PASSWORD ''edudx''' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname='edudx')\gexec
SELECT 'CREATE DATABASE edudx OWNER edudx' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname='edudx')\gexec
SQL
echo "PostgreSQL $PGVER ready: postgresql://edudx:edudx@127.0.0.1:5432/edudx"
