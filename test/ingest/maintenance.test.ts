import { expect, it } from 'vitest';
import { suiteApp } from '../support/harness.ts';
import { query, sql } from '../support/sql.ts';
import { TRACK } from './fragments.ts';

const t = suiteApp();

// PGlite has no autovacuum: without this, the planner would never learn table sizes and would
// pick poor plans as data grows. (On PostgreSQL, autovacuum does it and noteWrites is a no-op.)
it.skipIf(process.env.DATABASE_URL)('refreshes planner statistics on embedded PGlite once enough rows were written', async () => {
  const analyzed = async () =>
    (await query<{ n: number }>(t, sql`select coalesce(max(reltuples), -1)::float8 as n from pg_class where relname = 'events'`))[0]!.n;
  expect(await analyzed()).toBeLessThanOrEqual(0);
  const records = Array.from({ length: 1200 }, (_, i) => ({
    name: 'E',
    timestamp: new Date(Date.UTC(2026, 9, 1) + i * 1000).toISOString(),
    userId: `u${i % 50}`,
  }));
  await t.gql(TRACK, { records: records.slice(0, 600) });
  await t.gql(TRACK, { records: records.slice(600) });
  await expect.poll(analyzed, { timeout: 10_000 }).toBeGreaterThanOrEqual(1000);
});
