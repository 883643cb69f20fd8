import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batches, type GeneratorOptions, generateAccounts, generateEvents, generateUsers } from '../../bench/generator.ts';
import { createScratchTables, openRawClient, RAW_TABLES, type RawClient, rawStatement } from '../../bench/raw.ts';
import type { Database } from '../../src/db/client.ts';
import { openTestDatabase } from '../support/database.ts';

// The raw-limit statements of `npm run bench`, on the backend under test (PGlite, or PostgreSQL
// when DATABASE_URL is set): same rows in, same stored values out, on tables shaped like the real ones.

const gen: GeneratorOptions = { seed: 7, scale: { accounts: 20, users: 60, events: 500 }, now: new Date('2026-03-15T00:00:00Z') };
let database: Database & { url?: string };
let raw: RawClient;

async function all<T>(text: string, params: unknown[] = []): Promise<T[]> {
  const result = (await raw.query(text, params)) as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

beforeAll(async () => {
  database = await openTestDatabase();
  raw = openRawClient(database, database.url, 2);
  await createScratchTables(raw);
});
afterAll(async () => {
  await raw?.close();
  await database?.close();
});

describe('raw limit statements', () => {
  it('create scratch tables with the indexes of the real ones', async () => {
    for (const { name, like } of Object.values(RAW_TABLES)) {
      const count = async (table: string) =>
        (await all<{ n: number }>(`select count(*)::int as n from pg_indexes where tablename = $1`, [table]))[0]?.n;
      expect(await count(name)).toBe(await count(like));
    }
  });

  it('write every generated row once, in one statement per batch', async () => {
    for (const batch of batches(generateAccounts(gen), 8)) {
      const { text, params } = rawStatement('account', 'w', batch);
      await raw.query(text, params);
    }
    for (const batch of batches(generateUsers(gen), 25)) {
      const { text, params } = rawStatement('user', 'w', batch);
      await raw.query(text, params);
    }
    const events = [...generateEvents(gen)];
    for (const batch of batches(events, 100)) {
      const { text, params } = rawStatement('event', 'w', batch);
      await raw.query(text, params);
      await raw.query(text, params); // replays are ignored, like duplicate events
    }
    const [counts] = await all<{ a: number; u: number; e: number; linked: number; objects: number }>(`
      select (select count(*)::int from bench_raw_accounts) as a,
             (select count(*)::int from bench_raw_users) as u,
             (select count(*)::int from bench_raw_events) as e,
             (select count(account_id)::int from bench_raw_users) as linked,
             (select count(*)::int from bench_raw_events where jsonb_typeof(properties) = 'object') as objects`);
    expect(counts).toMatchObject({ a: 20, u: 60, e: 500, objects: 500 });
    // The generated account_id column works on the scratch copy of users too.
    expect(counts?.linked).toBe([...generateUsers(gen)].filter((u) => u.account_id !== null).length);
    const first = events[0]!;
    const [stored] = await all<{ name: string; at: string; dims: unknown }>(
      `select name, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at from bench_raw_events where dedup_key = $1`,
      [first.event_id],
    );
    expect(stored).toMatchObject({ name: first.event_name, at: first.timestamp });
  });

  it('upsert accounts: a second write of the same IDs updates them', async () => {
    const account = [...generateAccounts(gen)][0]!;
    const { text, params } = rawStatement('account', 'w', [{ ...account, plan: 'changed' }]);
    await raw.query(text, params);
    const [row] = await all<{ plan: string; n: number }>(
      `select dims->>'plan' as plan, (select count(*)::int from bench_raw_accounts) as n from bench_raw_accounts where id = $1`,
      [account.account_id],
    );
    expect(row).toEqual({ plan: 'changed', n: 20 });
  });
});
