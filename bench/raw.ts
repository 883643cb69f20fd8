import postgres from 'postgres';
import type { Database } from '../src/db/client.ts';
import type { AccountRecord, EventRecord, UserRecord } from './generator.ts';
import { type BenchObject, toDimensionRow, toEventRow } from './records.ts';

/**
 * The database's own limit: the same rows written by one plain statement per batch (array
 * parameters unnested), into scratch tables with the columns, primary keys and indexes of the
 * real ones (`LIKE … INCLUDING ALL`), with no application logic around them.
 */

export const RAW_TABLES: Record<BenchObject, { name: string; like: string }> = {
  account: { name: 'bench_raw_accounts', like: 'accounts' },
  user: { name: 'bench_raw_users', like: 'users' },
  event: { name: 'bench_raw_events', like: 'events' },
};

/** A raw connection: PGlite's own `query`, or a postgres.js pool of its own. */
export interface RawClient {
  query(text: string, params: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

export function openRawClient(database: Database, url: string | undefined, connections: number): RawClient {
  if (database.kind === 'pglite') {
    const client = (database.db as unknown as { $client: { query(text: string, params: unknown[]): Promise<unknown> } }).$client;
    return { query: (text, params) => client.query(text, params), close: async () => {} };
  }
  if (!url) throw new Error('raw client: PostgreSQL URL missing');
  const client = postgres(url, { max: connections, onnotice: () => {} });
  return {
    query: (text, params) => client.unsafe(text, params as never[]),
    close: () => client.end({ timeout: 5 }),
  };
}

export async function createScratchTables(client: RawClient): Promise<void> {
  for (const { name, like } of Object.values(RAW_TABLES)) {
    await client.query(`create table if not exists ${name} (like ${like} including all)`, []);
  }
}

const UPSERT = (table: string) => `
  insert into ${table} (workspace_id, id, dims)
  select $1, r.id, r.dims from unnest($2::text[], $3::text[]::jsonb[]) as r(id, dims)
  on conflict (workspace_id, id) do update set dims = excluded.dims, updated_at = now()`;

const INSERT_EVENTS = `
  insert into ${RAW_TABLES.event.name} (workspace_id, dedup_key, event_id, name, occurred_at, user_id, account_id, properties)
  select $1, * from unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[]::jsonb[])
  on conflict (workspace_id, dedup_key) do nothing`;

export interface RawStatement {
  text: string;
  params: unknown[];
}

/** One statement for one batch: the parameters are column arrays, so the text never changes. */
export function rawStatement(
  object: BenchObject,
  workspaceId: string,
  records: ReadonlyArray<AccountRecord | UserRecord | EventRecord>,
): RawStatement {
  if (object === 'event') {
    const rows = records.map((r) => toEventRow(r as EventRecord));
    return {
      text: INSERT_EVENTS,
      params: [
        workspaceId,
        rows.map((r) => r.dedupKey),
        rows.map((r) => r.eventId),
        rows.map((r) => r.name),
        rows.map((r) => r.occurredAt),
        rows.map((r) => r.userId),
        rows.map((r) => r.accountId),
        rows.map((r) => JSON.stringify(r.properties)),
      ],
    };
  }
  const rows = records.map((r) => toDimensionRow(object, r));
  return {
    text: UPSERT(RAW_TABLES[object].name),
    params: [workspaceId, rows.map((r) => r.id), rows.map((r) => JSON.stringify(r.dims))],
  };
}
