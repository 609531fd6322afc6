#!/usr/bin/env bash
# squawk (the migration linter) on the migrations that `schemagen migrate` generated for
# non-destructive changes: the evolution golden cases and any out/ migration after the initial ones.
# squawk ships its binary in per-platform npm packages; the registry here serves only this
# platform's, which a lockfile cannot express, so it is installed on its own in .tools/squawk.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=2.66.0
PREFIX=.tools/squawk
if [ ! -x "$PREFIX/node_modules/.bin/squawk" ]; then
  npm install --prefix "$PREFIX" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "squawk-cli@$VERSION" >/dev/null
fi
files=()
moves=()   # migrations that move partition bounds: linted apart, see below
for case in tests/cases/evolution/*/; do
  grep -qs allow_destructive "$case/case.yaml" && continue   # destructive on purpose: refused unless allowed
  for f in "$case"expected/0*.sql; do
    case "$f" in
      *_materialized_views.sql|*_generated_column_retype.sql|*_exclusion_constraints.sql|*_sequences_options.sql) ;;
      *_partitions_bounds.sql|*_partitions_expression.sql|*_partitions_hash_split.sql|*_partitions_range_limits.sql)
        moves+=("$f") ;;
      *) files+=("$f") ;;
    esac
  done
done
for f in out/[0-9][0-9][0-9]_*.sql; do
  case "$(basename "$f")" in 00[1-6]_*) continue ;; esac   # 001-006 create, they change nothing
  # written with --allow-destructive (it says so at its top): refused unless allowed, as above
  grep -qs "^-- WARNING: this migration can lose data" "$f" && continue
  files+=("$f")
done
# Excluded rules: warnings about changes the spec declares on purpose (a type change, dropping
# NOT NULL, renames); and prefer-robust-stmts, which asks for IF [NOT] EXISTS: the generator knows
# the state, pgspot rightly flags `CREATE INDEX IF NOT EXISTS` (PS014: a name someone else created
# would be silently kept), and after a failed CREATE INDEX CONCURRENTLY the INVALID index must be
# dropped, not skipped. The materialized-view case re-creates views, which squawk cannot tell apart;
# the generated-column case drops and re-adds a STORED generated column on purpose (Postgres cannot
# retype a column one reads; the retype rewrites the table anyway). An exclusion constraint has no
# NOT VALID form in Postgres (its migration header says the table is locked while the index builds);
# the sequence-options case adds a `serial` column to a table with rows on purpose (the spec asks for
# integer; every row takes its own nextval, which the lock comment says rewrites the table).
EXCLUDED=changing-column-type,ban-drop-not-null,renaming-table,renaming-column,prefer-robust-stmts
"$PREFIX/node_modules/.bin/squawk" --pg-version 15 --exclude="$EXCLUDED" "${files[@]}"
# Moving a partition's bounds (MovePartitionBounds) detaches and re-attaches it in one transaction:
# DETACH ... CONCURRENTLY cannot run in a transaction block (nor beside a default partition), and
# between two transactions a row of the moved range would have no partition. The new bound's CHECK
# is added NOT VALID and validated in that same transaction, under the partition's lock (so ATTACH
# skips its scan; the lock comments say so). Those two rules are left out for these files only.
"$PREFIX/node_modules/.bin/squawk" --pg-version 15 \
  --exclude="$EXCLUDED,require-concurrent-partition-detach,constraint-missing-not-valid" "${moves[@]}"
echo "squawk $VERSION: no findings in $(( ${#files[@]} + ${#moves[@]} )) migrations"
