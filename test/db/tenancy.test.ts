import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, rows } from '../../src/db/client.ts';
import { openTestDatabase } from '../support/database.ts';

// The tenancy rule that lets the schema be distributed by workspace (docs/scaling.md): in every
// tenant table, the primary key and every unique index start with workspace_id, so each row and
// each uniqueness check lives on the one shard that holds its workspace. Checked against the LIVE,
// migrated database, so a migration that breaks it fails CI whatever the Drizzle schema says.

/** Tables that are not tenant tables. Each needs a reason (and a line in docs/scaling.md). */
const EXEMPT: Record<string, string> = {
  workspaces: 'the tenant list itself: a Citus reference table, keyed by its own id',
};

interface IndexRow {
  table: string;
  index: string;
  primary: boolean;
  first_column: string | null;
}

async function tenantTables(database: Database): Promise<Array<{ table: string; has_workspace_id: boolean; not_null: boolean }>> {
  return rows(
    database.db,
    sql`select c.relname as "table",
               a.attname is not null as has_workspace_id,
               coalesce(a.attnotnull, false) as not_null
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        left join pg_attribute a on a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped
        where n.nspname = 'public' and c.relkind in ('r', 'p')
        order by 1`,
  );
}

async function tenancyViolations(database: Database): Promise<string[]> {
  const problems: string[] = [];
  const tables = (await tenantTables(database)).filter((t) => !(t.table in EXEMPT));
  const keyed = await rows<IndexRow>(
    database.db,
    sql`select c.relname as "table", i.relname as "index", x.indisprimary as "primary",
               (select a.attname from pg_attribute a where a.attrelid = c.oid and a.attnum = x.indkey[0]) as first_column
        from pg_index x
        join pg_class c on c.oid = x.indrelid
        join pg_class i on i.oid = x.indexrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and (x.indisunique or x.indisprimary)`,
  );
  for (const table of tables) {
    if (!table.has_workspace_id) problems.push(`${table.table}: no workspace_id column`);
    else if (!table.not_null) problems.push(`${table.table}: workspace_id is nullable`);
    const indexes = keyed.filter((k) => k.table === table.table);
    if (!indexes.some((k) => k.primary)) problems.push(`${table.table}: no primary key`);
    for (const index of indexes) {
      if (index.first_column !== 'workspace_id') {
        problems.push(
          `${table.table}: ${index.primary ? 'primary key' : 'unique index'} ${index.index} starts with ${index.first_column ?? 'an expression'}`,
        );
      }
    }
  }
  return problems;
}

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe('tenancy rule (live schema)', () => {
  it('every tenant table is keyed by workspace_id first, in its primary key and every unique index', async () => {
    const tables = (await tenantTables(database)).map((t) => t.table);
    // Sanity: the migrated schema is really there.
    expect(tables).toEqual(expect.arrayContaining(['workspaces', 'api_keys', 'accounts', 'users', 'events', 'metric_daily']));
    expect(await tenancyViolations(database)).toEqual([]);
  });

  it('catches a table that breaks the rule', async () => {
    await database.db.execute(sql`create table tenancy_probe (workspace_id text not null, id text primary key, code text)`);
    await database.db.execute(sql`create unique index tenancy_probe_code on tenancy_probe (code, workspace_id)`);
    await database.db.execute(sql`create table tenancy_probe_2 (id text primary key)`);
    try {
      expect(await tenancyViolations(database)).toEqual(
        expect.arrayContaining([
          'tenancy_probe: primary key tenancy_probe_pkey starts with id',
          'tenancy_probe: unique index tenancy_probe_code starts with code',
          'tenancy_probe_2: no workspace_id column',
        ]),
      );
    } finally {
      await database.db.execute(sql`drop table tenancy_probe, tenancy_probe_2`);
    }
  });
});
