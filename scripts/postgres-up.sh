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
if pg_ctlcluster "$PGVER" main status >/dev/null 2>&1; then pg_ctlcluster "$PGVER" main reload; else pg_ctlcluster "$PGVER" main start; fi
runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q <<'SQL'
SELECT 'CREATE ROLE edudx LOGIN CREATEDB PASSWORD ''edudx''' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname='edudx')\gexec
SELECT 'CREATE DATABASE edudx OWNER edudx' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname='edudx')\gexec
SQL
echo "PostgreSQL $PGVER ready: postgresql://edudx:edudx@127.0.0.1:5432/edudx"
