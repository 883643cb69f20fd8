import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, TRACK, UPSERT_ACCOUNTS, UPSERT_USERS } from '../insights/dataset.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

// `views` with every preview costs the same number of SQL statements for 6 accounts as for 60:
// previews read pages of records and batch their per-record measures, never one query per account.

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const ahead = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/** `n` accounts shaped so that every view has rows: falling and growing usage, full seats, renewals soon. */
function workspaceData(n: number) {
  const accounts = Array.from({ length: n }, (_, i) => ({
    id: `a${i}`,
    name: `Account ${i}`,
    employeeCount: 100 + i,
    custom: {
      seat_count: 1 + (i % 3),
      renewal_date: ahead(10 + (i % 60)),
      plan_tier: ['free', 'pro', 'enterprise'][i % 3],
      sales_region: i % 2 ? 'EMEA' : 'NA',
      arr_usd: 1000 * (i + 1),
    },
  }));
  const users = accounts.flatMap((a) =>
    [0, 1].map((j) => ({ id: `${a.id}-u${j}`, email: `u${j}@${a.id}.example`, accountId: a.id, createdAt: ago(5 + j) })),
  );
  const events = accounts.flatMap((a, i) => {
    const u0 = `${a.id}-u0`;
    const u1 = `${a.id}-u1`;
    return i % 2 === 0
      ? [
          { name: 'Signed In', userId: u0, timestamp: ago(1) },
          ...[31, 32, 33].map((d) => ({ name: 'Signed In', userId: u0, timestamp: ago(d) })),
        ]
      : [
          { name: 'Signed In', userId: u0, timestamp: ago(1) },
          { name: 'Page Viewed', userId: u1, timestamp: ago(2) },
          { name: 'report_created', userId: u1, timestamp: ago(3) },
          { name: 'Signed In', userId: u0, timestamp: ago(40) },
        ];
  });
  return { accounts, users, events };
}

let t: TestApp;
const workspaces: Array<{ n: number; key: string }> = [];

beforeAll(async () => {
  t = await createTestApp({ RATE_LIMIT_INGEST_PER_SECOND: '0', RATE_LIMIT_READ_PER_SECOND: '0' });
  for (const n of [6, 60]) {
    const { adminKey } = await t.newWorkspace(`W${n}`);
    const d = workspaceData(n);
    await send(t, UPSERT_ACCOUNTS, d.accounts, adminKey);
    await send(t, UPSERT_USERS, d.users, adminKey);
    await send(t, TRACK, d.events, adminKey);
    workspaces.push({ n, key: adminKey });
  }
});
afterAll(async () => {
  await t?.close();
});

const VIEWS = '{ views { id locked reason operation { query variables } preview { columns { key } rows { id cells } totalCount } } }';

describe('statement count of views', () => {
  it('is the same for 6 and for 60 accounts', async () => {
    const counts: number[] = [];
    for (const { n, key } of workspaces) {
      await t.gql('{ __typename }', {}, key); // authenticate once, so the throttled key touch is not counted
      const before = t.database.stats.statements;
      const res = await t.gql<{ views: Array<{ id: string; locked: boolean; preview: { rows: unknown[]; totalCount: number } }> }>(
        VIEWS,
        {},
        key,
      );
      counts.push(t.database.stats.statements - before);
      expect(res.errors).toBeUndefined();
      const views = res.data?.views ?? [];
      expect(views.filter((v) => v.locked).map((v) => v.id)).toEqual([]);
      expect(
        views.every((v) => v.preview.rows.length > 0),
        `${n}: ${JSON.stringify(views.map((v) => [v.id, v.preview.rows.length]))}`,
      ).toBe(true);
      expect(views.find((v) => v.id === 'most-active-accounts')?.preview.totalCount).toBe(n);
    }
    console.log(`views statements: 6 accounts ${counts[0]}, 60 accounts ${counts[1]}`);
    expect(counts[1]).toBe(counts[0]);
    expect(counts[0]).toBeLessThanOrEqual(30);
  });
});
