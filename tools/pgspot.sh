#!/usr/bin/env bash
# pgspot (search_path, SECURITY DEFINER and unsafe-creation checks) on the generated SQL in out/.
#
#   tools/pgspot.sh [FOLDER]        # default: out
#
# pgspot runs in its own virtualenv (.venv-pgspot): it pins its own pglast, which must not
# replace the one schemagen uses. Every .sql file is checked on its own, as each migration and
# rollback is applied as a separate script: the 00N migrations, their rollbacks (DROP statements,
# checked too - they are cheap to check and a rollback is run by the same privileged role) and
# rollback_all.sql. Ignored classes, which concern extension scripts run under a user's
# search_path, not migrations run by the owner: PS001 (unqualified operator), PS009 (a simple
# `CASE x WHEN y`, whose implicit `=` is an unqualified operator too: the same finding as PS001, in a
# form that cannot be written qualified; the platform's read policies use one so that the helper is
# called once per statement), PS016 (unqualified function call), PS017 (unqualified object
# reference). An operator in a policy or a view is resolved once, when the migration creates it,
# with pg_catalog searched first. Exit 1 on any other finding.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
folder="${1:-$root/out}"
venv="${PGSPOT_VENV:-$root/.venv-pgspot}"
version="${PGSPOT_VERSION:-0.9.4}"

if [ ! -x "$venv/bin/pgspot" ] || [ "$("$venv/bin/pgspot" --version 2>/dev/null)" != "pgspot $version" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pgspot==$version"
fi

shopt -s nullglob
files=("$folder"/*.sql)
if [ ${#files[@]} -eq 0 ]; then
  echo "pgspot.sh: no .sql files in $folder (run \`schemagen generate\` first)" >&2
  exit 2
fi

status=0
for f in "${files[@]}"; do
  # pgspot exits non-zero on errors but not on warnings: its summary line tells, and the report
  # is shown either way.
  report="$("$venv/bin/pgspot" --ignore PS001 --ignore PS009 --ignore PS016 --ignore PS017 "$f" 2>&1)" || true
  if ! grep -q "Errors: 0 Warnings: 0 Unknown: 0" <<<"$report"; then
    echo "$report"
    status=1
  fi
done
if [ $status -eq 0 ]; then
  echo "pgspot $version: no findings in ${#files[@]} files of $folder (PS001, PS009, PS016, PS017 ignored)"
fi
exit $status
