import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACK, UPSERT_ACCOUNTS, UPSERT_USERS } from '../ingest/fragments.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

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
});
