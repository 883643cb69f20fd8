import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACK, UPSERT_ACCOUNTS, UPSERT_USERS } from '../ingest/fragments.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { query, sql } from '../support/sql.ts';
import { windowDrift } from '../support/windows.ts';

// "Now" is an input: the server reads one injected clock, so the standard windows (last 7/30/90
// days) roll over with the date alone — no write in between — and tests never depend on the hour.

let now = new Date('2026-11-20T12:00:00Z');
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { now: () => now });
});
afterAll(async () => {
  await t?.close();
});

const RANKING = `{
  accounts(first: 5, orderBy: { metric: { metric: { event: "Signed In" }, window: { lastDays: 7 } } }) {
    nodes { id signIns: metric(metric: { event: "Signed In" }, window: { lastDays: 7 }) }
  }
  activity: accounts(first: 5, orderBy: { measure: { measure: ACTIVE_USERS, window: { lastDays: 7 } } }) {
    nodes { id activeUsers(window: { lastDays: 7 }) }
  }
}`;

describe('the server clock', () => {
  it('rolls the standard windows over with the date, with no write in between', async () => {
    expect(
      (
        await t.gql(UPSERT_ACCOUNTS, {
          records: [
            { id: 'a', name: 'A' },
            { id: 'b', name: 'B' },
          ],
        })
      ).errors,
    ).toBeUndefined();
    const users = [
      { id: 'ua', email: 'ua@a.com', accountId: 'a' },
      { id: 'ub', email: 'ub@b.com', accountId: 'b' },
    ];
    expect((await t.gql(UPSERT_USERS, { records: users })).errors).toBeUndefined();
    const at = (day: string) => `${day}T10:00:00Z`;
    const events = [
      ...['2026-11-19', '2026-11-18', '2026-11-17'].map((day) => ({ name: 'Signed In', timestamp: at(day), userId: 'ua' })),
      ...['2026-11-14', '2026-11-15'].map((day) => ({ name: 'Signed In', timestamp: at(day), userId: 'ub' })),
    ];
    expect((await t.gql(TRACK, { records: events })).errors).toBeUndefined();

    const read = async () => {
      const res = await t.gql(RANKING);
      expect(res.errors).toBeUndefined();
      return res.data as { accounts: { nodes: unknown[] }; activity: { nodes: unknown[] } };
    };
    // 2026-11-14 … 2026-11-20: both accounts.
    expect((await read()).accounts.nodes).toEqual([
      { id: 'a', signIns: 3 },
      { id: 'b', signIns: 2 },
    ]);
    // Four days later (2026-11-18 … 2026-11-24): b's sign-ins and a's first one have left the window.
    now = new Date('2026-11-24T12:00:00Z');
    const later = await read();
    expect(later.accounts.nodes[0]).toEqual({ id: 'a', signIns: 2 });
    expect(later.accounts.nodes).toContainEqual({ id: 'b', signIns: 0 });
    expect(later.activity.nodes).toContainEqual({ id: 'a', activeUsers: 1 });
    expect(later.activity.nodes).toContainEqual({ id: 'b', activeUsers: 0 });
    // Ten days later, nobody.
    now = new Date('2026-12-04T12:00:00Z');
    expect((await read()).activity.nodes).toEqual([
      { id: 'a', activeUsers: 0 },
      { id: 'b', activeUsers: 0 },
    ]);
  });

  it('rolls each window forward a day at a time from the day before: equal to a recount after writes on the days that leave and enter', async () => {
    now = new Date('2026-11-20T12:00:00Z');
    const { workspaceId, adminKey } = await t.newWorkspace('rolling');
    const gql = async (query: string, variables?: Record<string, unknown>) => {
      const res = await t.gql(query, variables, adminKey);
      expect(res.errors).toBeUndefined();
      return res.data;
    };
    await gql(UPSERT_ACCOUNTS, { records: ['r', 's'].map((id) => ({ id, name: id })) });
    await gql(UPSERT_USERS, {
      records: [
        { id: 'r1', email: 'r1@r.com', accountId: 'r' },
        { id: 'r2', email: 'r2@r.com', accountId: 'r' },
        { id: 's1', email: 's1@s.com', accountId: 's' },
      ],
    });
    const dayMs = 86_400_000;
    const signIn = (userId: string, daysAgo: number, name = 'Signed In') => ({
      name,
      timestamp: new Date(now.getTime() - daysAgo * dayMs).toISOString(),
      userId,
    });
    // History over 100 days, on every day a window may leave or enter.
    await gql(TRACK, {
      records: Array.from({ length: 100 }, (_, d) => signIn(['r1', 'r2', 's1'][d % 3]!, d, d % 4 ? 'Signed In' : 'Report Exported')),
    });
    const READ = `{
      byCount: accounts(first: 5, orderBy: { metric: { metric: { event: "Signed In" }, window: { lastDays: 30 } } }) { nodes { id } }
      byUsers: accounts(first: 5, orderBy: { metric: { metric: { event: "Signed In" }, aggregate: UNIQUE_USERS, window: { lastDays: 90 } } }) { nodes { id } }
      users(first: 5, orderBy: { metric: { metric: { event: "Signed In" }, window: { lastDays: 7 } } }) { nodes { id } }
      activity: accounts(first: 5, orderBy: { measure: { measure: ACTIVE_USERS, window: { lastDays: 30 } } }) { nodes { id activeUsers(window: { lastDays: 30 }) usageChange(window: { lastDays: 30 }) } }
    }`;
    const windows = () =>
      query(
        t,
        sql`select count(*)::int as n from metric_windows where workspace_id = ${workspaceId} and last_day = ${now.toISOString().slice(0, 10)}::date`,
      );
    await gql(READ);
    expect((await windows())[0]!.n).toBeGreaterThan(0);
    for (let day = 0; day < 3; day++) {
      // Writes the next day's windows must carry: on the newest day, on the days that leave the
      // 7-, 30- and 90-day windows, a user moved to the other account.
      await gql(TRACK, {
        records: [signIn('r1', 0), signIn('s1', 6), signIn('r2', 29), signIn('s1', 89), signIn('r2', 1, 'Report Exported')],
      });
      await gql(UPSERT_USERS, { records: [{ id: 'r2', email: 'r2@r.com', accountId: day % 2 ? 'r' : 's' }] });
      now = new Date(now.getTime() + dayMs);
      await gql(READ);
      expect((await windows())[0]!.n).toBeGreaterThan(0);
      expect(await windowDrift(t, workspaceId)).toEqual([]);
    }
  });
});
