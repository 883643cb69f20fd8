#!/usr/bin/env bash
# Migration drift check: drizzle/ must be exactly what drizzle-kit makes of src/db/schema.ts.
# `drizzle-kit check` validates the journal and snapshots; then a copy of drizzle/ is regenerated
# from the schema in a temporary folder, and any new or changed file means a schema change has no
# committed migration (run `npx drizzle-kit generate --name <short_name>` and commit its output).
set -euo pipefail
cd "$(dirname "$0")/.."

npx drizzle-kit check

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp -r drizzle "$scratch/drizzle"
# drizzle-kit prefixes `out` with "./", so it is given as a path relative to the project.
out="$(realpath --relative-to=. "$scratch")/drizzle"
npx drizzle-kit generate --dialect postgresql --schema ./src/db/schema.ts --out "$out" >/dev/null

if ! diff -r drizzle "$scratch/drizzle"; then
  echo "src/db/schema.ts and drizzle/ disagree: generate and commit the migration." >&2
  exit 1
fi
echo "drizzle/ matches src/db/schema.ts"
