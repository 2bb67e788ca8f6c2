#!/bin/sh
# One-shot schema setup for Temporal on PostgreSQL, run by the `temporal-schema` compose service
# (image temporalio/admin-tools) before the server starts. This replaces the deprecated
# temporalio/auto-setup image: the server image itself never touches the schema.
#
# Idempotent, so `docker compose up` can run it on every start: databases that exist are kept,
# `setup-schema -v 0.0` skips a database whose schema is already past 0.0, and `update-schema`
# applies only the versions that are missing (which is also how a Temporal upgrade migrates).
#
# Also creates baton's own database; baton applies its schema migrations itself on connect.
#
# The production-topology tests (test/topology/) run this same script with a temporal-sql-tool
# built from the same server version, so what is tested is what compose runs.
#
# Environment: POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, SQL_PASSWORD; DBNAME and VISIBILITY_DBNAME
# (the server's own names for its databases; default temporal and temporal_visibility), BATON_DB
# (default baton), TEMPORAL_SCHEMA_ROOT (where admin-tools keeps the schema).
set -eu

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
DB_PORT="${DB_PORT:-5432}"
SCHEMA_ROOT="${TEMPORAL_SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}"
TEMPORAL_DB="${DBNAME:-temporal}"
VISIBILITY_DB="${VISIBILITY_DBNAME:-temporal_visibility}"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

# Compose also waits for the postgresql service's health check; this covers a bare `up temporal-schema`.
if command -v nc >/dev/null 2>&1; then
  echo "Waiting for PostgreSQL at $POSTGRES_SEEDS:$DB_PORT…"
  tries=0
  until nc -z "$POSTGRES_SEEDS" "$DB_PORT"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      echo "PostgreSQL did not accept connections in 60 s; check the postgresql service's logs." >&2
      exit 1
    fi
    sleep 1
  done
fi

create_database() {
  if output=$(sql_tool --db "$1" create 2>&1); then
    echo "Created database $1"
  elif printf '%s' "$output" | grep -q 'already exists'; then
    echo "Database $1 exists"
  else
    printf '%s\n' "$output" >&2
    exit 1
  fi
}

for db in "$TEMPORAL_DB" "$VISIBILITY_DB" "${BATON_DB:-baton}"; do
  create_database "$db"
done

sql_tool --db "$TEMPORAL_DB" setup-schema -v 0.0
sql_tool --db "$TEMPORAL_DB" update-schema -d "$SCHEMA_ROOT/temporal/versioned"
sql_tool --db "$VISIBILITY_DB" setup-schema -v 0.0
sql_tool --db "$VISIBILITY_DB" update-schema -d "$SCHEMA_ROOT/visibility/versioned"
echo "Temporal schema is up to date."
