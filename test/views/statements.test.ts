import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, TRACK, UPSERT_ACCOUNTS, UPSERT_USERS } from '../insights/dataset.ts';
import { createTestApp, TEST_NOW, type TestApp } from '../support/harness.ts';
import { query, sql } from '../support/sql.ts';
import { expectPreviewIsOperation, VIEW_UNDER_TEST, type ViewUnderTest } from './operation.ts';

// `views` with every preview costs about the same number of SQL statements for 6 accounts as for 60
// (exactly the same once its previews are kept): previews read pages of records and batch their
// per-record measures, never one query per account.

const DAY = 86_400_000;
const ago = (days: number) => new Date(TEST_NOW.getTime() - days * DAY).toISOString();
const ahead = (days: number) => new Date(TEST_NOW.getTime() + days * DAY).toISOString();

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
const workspaces: Array<{ n: number; key: string; workspaceId: string }> = [];

beforeAll(async () => {
  t = await createTestApp({ RATE_LIMIT_INGEST_PER_SECOND: '0', RATE_LIMIT_READ_PER_SECOND: '0' });
  for (const n of [6, 60]) {
    const { adminKey, workspaceId } = await t.newWorkspace(`W${n}`);
    const d = workspaceData(n);
    await send(t, UPSERT_ACCOUNTS, d.accounts, adminKey);
    await send(t, UPSERT_USERS, d.users, adminKey);
    await send(t, TRACK, d.events, adminKey);
    workspaces.push({ n, key: adminKey, workspaceId });
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
    // Again, nothing changed: the previews that group many rows are kept (src/insights/answers.ts).
    const again: number[] = [];
    for (const { key } of workspaces) {
      const before = t.database.stats.statements;
      const res = await t.gql(VIEWS, {}, key);
      again.push(t.database.stats.statements - before);
      expect(res.errors).toBeUndefined();
    }
    console.log(`views statements: 6 accounts ${counts[0]}, 60 accounts ${counts[1]}; again ${again[0]} and ${again[1]}`);
    // Computed, the previews' per-record reads batch by when each page returns, so the count may
    // differ by a statement or two from one run to the next; one statement per record would be
    // hundreds at 60 accounts. Kept, it is exact: the key, the meanings (four statements), one lookup
    // of every kept preview and the plan mix (read every time, two).
    expect(Math.max(...counts)).toBeLessThanOrEqual(35);
    expect(again[1]).toBe(again[0]);
    expect(again[0]).toBeLessThanOrEqual(9);
  });

  it("previews exactly what each view's operation returns, run as-is, at 6 and at 60 accounts", async () => {
    for (const { n, key } of workspaces) {
      const res = await t.gql<{ views: ViewUnderTest[] }>(`{ views { ${VIEW_UNDER_TEST} } }`, {}, key);
      expect(res.errors).toBeUndefined();
      const views = res.data?.views ?? [];
      expect(views.filter((v) => !v.locked)).toHaveLength(10);
      for (const view of views) await expectPreviewIsOperation(t, view, key);
      // At 60 accounts the lists hold more rows than a preview shows: the preview is their beginning.
      if (n === 60) expect(views.find((v) => v.id === 'most-active-accounts')?.preview?.rows).toHaveLength(5);
    }
  });

  it('keeps previews until the accounts, users or events they read change, and then equal a fresh computation', async () => {
    const { key, workspaceId } = workspaces[0] as (typeof workspaces)[number];
    const previews = async () => {
      const res = await t.gql<{ views: Array<{ id: string; preview: { rows: Array<{ cells: unknown[] }>; totalCount: number } }> }>(
        VIEWS,
        {},
        key,
      );
      expect(res.errors).toBeUndefined();
      return Object.fromEntries((res.data?.views ?? []).map((v) => [v.id, v.preview]));
    };
    /** The previews as they are, and as computed with nothing kept: they must agree. */
    const checked = async () => {
      const kept = await previews();
      await query(t, sql`delete from rollup_answers where workspace_id = ${workspaceId}`);
      expect(kept).toEqual(await previews());
      return kept;
    };
    const before = await checked();
    // Accounts renamed: every account list shows the new names.
    await send(
      t,
      UPSERT_ACCOUNTS,
      Array.from({ length: 6 }, (_, i) => ({ id: `a${i}`, name: `Renamed ${i}` })),
      key,
    );
    const renamed = await checked();
    expect(JSON.stringify(renamed['most-active-accounts'])).toContain('Renamed');
    // One account's revenue grows: the revenue of its region changes.
    await send(t, UPSERT_ACCOUNTS, [{ id: 'a0', custom: { arr_usd: 1_000_000 } }], key);
    expect((await checked())['revenue-by-segment']).not.toEqual(renamed['revenue-by-segment']);
    // A user signed up today in a0: one more user added.
    await send(t, UPSERT_USERS, [{ id: 'a0-new', email: 'new@a0.example', accountId: 'a0', createdAt: ago(0) }], key);
    const added = await checked();
    expect(added['new-users-by-account']).not.toEqual(renamed['new-users-by-account']);
    // Their first sign-in: one more active user in a0.
    await send(t, TRACK, [{ name: 'Signed In', userId: 'a0-new', timestamp: ago(0) }], key);
    const active = await checked();
    expect(active['most-active-accounts']).not.toEqual(added['most-active-accounts']);
    expect(before['most-active-accounts']).not.toEqual(active['most-active-accounts']);
    // A user without events signs up, then is deleted: only the users' change counter moves.
    await send(t, UPSERT_USERS, [{ id: 'a1-new', email: 'new@a1.example', accountId: 'a1', createdAt: ago(0) }], key);
    const joined = await checked();
    expect(joined['new-users-by-account']).not.toEqual(active['new-users-by-account']);
    const res = await t.gql('mutation($ids: [ID]!) { deleteUsers(input: { ids: $ids }) { deleted } }', { ids: ['a1-new'] }, key);
    expect(res.data?.deleteUsers.deleted).toBe(1);
    expect((await checked())['new-users-by-account']).toEqual(active['new-users-by-account']);
  });
});
