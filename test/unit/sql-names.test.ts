import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getTableName, isTable } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as schema from '../../src/db/schema.ts';

// The SQL of src/ names tables and columns through the table objects of src/db/schema.ts (see
// src/db/sql.ts), so renaming a column renames it everywhere or fails to compile. These checks read
// the source: a table named by hand in a FROM/JOIN/INTO/UPDATE, a hand-written `workspace_id` (every
// tenant table has one, so a statement that filters by workspace by hand is caught) or an `sql.raw`
// built from interpolated strings fails here.

const SRC = new URL('../../src', import.meta.url).pathname;
/** Where names are declared, not used: the schema itself, the helpers and generated code. */
const EXEMPT = new Set(['db/schema.ts', 'db/sql.ts', '__generated__/types.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'gql' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !EXEMPT.has(relative(SRC, path)) ? [path] : [];
  });
}

const TABLES = Object.values(schema)
  .filter((value) => isTable(value))
  .map((table) => getTableName(table));

/** Source text without comments (a comment may name a table in prose). */
const code = (path: string) =>
  readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

function offences(pattern: RegExp): string[] {
  return sourceFiles(SRC).flatMap((path) =>
    [...code(path).matchAll(pattern)].map((match) => `${relative(SRC, path)}: ${match[0].replace(/\s+/g, ' ')}`),
  );
}

describe('SQL names', () => {
  it('reads every table of the schema', () => {
    expect(TABLES).toEqual(expect.arrayContaining(['accounts', 'users', 'events', 'metric_daily', 'field_values']));
  });

  it('names no table by hand in a statement', () => {
    const names = TABLES.join('|');
    expect(offences(new RegExp(`\\b(from|join|into|update|analyze)\\s+(${names})\\b`, 'gi'))).toEqual([]);
  });

  it('names no workspace column by hand', () => {
    expect(offences(/\bworkspace_id\b/g)).toEqual([]);
  });

  it('builds no sql.raw from interpolated strings', () => {
    expect(offences(/sql\.raw\(\s*`[^`]*\$\{/g)).toEqual([]);
  });
});
