import { beforeAll, describe, expect, it } from 'vitest';
import { suiteApp } from '../support/harness.ts';
import { seedDataset, send, TRACK, UPSERT_USERS } from './dataset.ts';

const t = suiteApp();
beforeAll(() => seedDataset(t));

const SERIES = `query($input: MetricSeriesInput!) {
  metricSeries(input: $input) { interval aggregate timeZone total points { start value } metric { kind name total } }
}`;
const JAN = { from: '2026-01-01T00:00:00Z', to: '2026-01-26T00:00:00Z' };

async function series(input: Record<string, unknown>) {
  const res = await t.gql(SERIES, { input });
  expect(res.errors).toBeUndefined();
  const s = res.data?.metricSeries;
  return {
    ...s,
    values: s.points.map((p: { value: number }) => p.value),
    starts: s.points.map((p: { start: string }) => p.start.slice(0, 10)),
  };
}

const errorCode = async (input: Record<string, unknown>) => (await t.gql(SERIES, { input })).errors?.[0]?.extensions?.code;

describe('metricSeries', () => {
  it('counts per ISO week (Monday start, `from` rounded down), zero-filled, with the range total', async () => {
    const s = await series({ metric: { event: 'Signed In' }, ...JAN, interval: 'WEEK' });
    expect(s.starts).toEqual(['2025-12-29', '2026-01-05', '2026-01-12', '2026-01-19']);
    // Week 1: Jan 1 ×2, Jan 2 ×2, Sunday Jan 4 ×1. Week 2: Monday Jan 5 ×2, Jan 6, Jan 7. Week 4: Jan 20.
    expect(s.values).toEqual([5, 4, 0, 1]);
    expect(s.total).toBe(10);
    expect(s.metric).toEqual({ kind: 'COUNT', name: 'Signed In', total: 10 });
    expect(s.points[0].start).toBe('2025-12-29T00:00:00.000Z');
  });

  it('counts per day and per month', async () => {
    const days = await series({ metric: { event: 'Signed In' }, from: '2025-12-31T00:00:00Z', to: '2026-01-08T00:00:00Z' });
    expect(days.starts).toEqual([
      '2025-12-31',
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
      '2026-01-05',
      '2026-01-06',
      '2026-01-07',
    ]);
    expect(days.values).toEqual([0, 2, 2, 0, 1, 2, 1, 1]);
    const months = await series({
      metric: { event: 'Signed In' },
      from: '2025-12-15T00:00:00Z',
      to: '2026-03-01T00:00:00Z',
      interval: 'MONTH',
    });
    expect(months.starts).toEqual(['2025-12-01', '2026-01-01', '2026-02-01']);
    expect(months.values).toEqual([0, 10, 0]);
  });

  it('counts distinct users and accounts per bucket and over the range (no account = not counted)', async () => {
    const users = await series({ metric: { event: 'Signed In' }, ...JAN, interval: 'WEEK', aggregate: 'UNIQUE_USERS' });
    expect(users.values).toEqual([4, 3, 0, 1]); // {u1,u2,u4,u6}, {u1,u3,u5}, {}, {u3}
    expect(users.total).toBe(6);
    const accounts = await series({ metric: { event: 'Signed In' }, ...JAN, interval: 'WEEK', aggregate: 'UNIQUE_ACCOUNTS' });
    expect(accounts.values).toEqual([2, 3, 0, 1]); // {acme, globex}, {acme, globex, hooli}, {}, {globex}
    expect(accounts.total).toBe(3);
  });

  it('aggregates value metrics: SUM, AVG, MIN, MAX, LAST and COUNT (= events carrying the property)', async () => {
    const range = { metric: { property: 'amount' }, from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z', interval: 'MONTH' };
    const expected: Record<string, [number[], number]> = {
      SUM: [[390, 1000], 1390],
      AVG: [[130, 1000], 347.5],
      MIN: [[40, 1000], 40],
      MAX: [[250, 1000], 1000],
      LAST: [[40, 1000], 1000], // Jan 15 13:00 (u3, 40) is later than 12:00 (u1, 250)
      COUNT: [[3, 1], 4],
    };
    for (const [aggregate, [values, total]] of Object.entries(expected)) {
      const s = await series({ ...range, aggregate });
      expect([s.values, s.total], aggregate).toEqual([values, total]);
    }
    const restricted = await series({
      metric: { event: 'Report Created', property: 'duration' },
      ...JAN,
      interval: 'MONTH',
      aggregate: 'AVG',
    });
    expect(restricted.values).toEqual([15]);
    expect(restricted.metric).toMatchObject({ kind: 'VALUE', name: 'duration' });
  });

  it('leaves empty buckets and an empty range total null for AVG/MIN/MAX/LAST, 0 for sums and counts', async () => {
    const empty = { metric: { property: 'amount' }, from: '2025-01-01T00:00:00Z', to: '2025-01-03T00:00:00Z' };
    expect(await series({ ...empty, aggregate: 'AVG' })).toMatchObject({ values: [null, null], total: null });
    expect(await series({ ...empty, aggregate: 'SUM' })).toMatchObject({ values: [0, 0], total: 0 });
    const unknown = await series({ metric: { event: 'Never Happened' }, ...JAN, interval: 'WEEK' });
    expect(unknown).toMatchObject({ values: [0, 0, 0, 0], total: 0, metric: null });
  });

  it('scopes to one account (including events attributed through its users), one user, or filtered accounts/users', async () => {
    const week = { metric: { event: 'Signed In' }, ...JAN, interval: 'WEEK' };
    expect((await series({ ...week, scope: { accountId: 'acme' } })).values).toEqual([3, 1, 0, 0]);
    expect((await series({ ...week, scope: { accountId: 'globex' } })).values).toEqual([1, 1, 0, 1]);
    expect((await series({ ...week, scope: { accountId: 'hooli' } })).values).toEqual([0, 2, 0, 0]);
    expect((await series({ ...week, scope: { userId: 'u4' } })).values).toEqual([1, 0, 0, 0]);
    expect((await series({ ...week, scope: { accountFilter: [{ key: 'region', eq: 'NA' }] } })).values).toEqual([1, 3, 0, 1]);
    expect((await series({ ...week, scope: { userFilter: [{ key: 'role', eq: 'admin' }] } })).values).toEqual([2, 4, 0, 1]);
    expect(
      (await series({ ...week, scope: { accountFilter: [{ key: 'region', eq: 'NA' }], userFilter: [{ key: 'role', eq: 'admin' }] } }))
        .values,
    ).toEqual([0, 3, 0, 1]);
  });

  it('buckets by local days in an IANA time zone, starts at local midnight', async () => {
    const berlin = await series({
      metric: { event: 'Signed In' },
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-04T00:00:00Z',
      timeZone: 'Europe/Berlin',
    });
    // 23:30 UTC on Jan 1 is 00:30 on Jan 2 in Berlin.
    expect(berlin.points).toEqual([
      { start: '2025-12-31T23:00:00.000Z', value: 1 },
      { start: '2026-01-01T23:00:00.000Z', value: 3 },
      { start: '2026-01-02T23:00:00.000Z', value: 0 },
      { start: '2026-01-03T23:00:00.000Z', value: 1 },
    ]);
    expect(berlin.timeZone).toBe('Europe/Berlin');
    const accounts = await series({
      metric: { event: 'Signed In' },
      ...JAN,
      interval: 'WEEK',
      aggregate: 'UNIQUE_ACCOUNTS',
      timeZone: 'America/New_York',
      scope: { accountId: 'hooli' },
    });
    expect(accounts.values).toEqual([0, 1, 0, 0]);
    expect(accounts.points[0].start).toBe('2025-12-29T05:00:00.000Z');
  });

  it('refuses aggregates that do not fit the metric, bad ranges, zones and refs with BAD_USER_INPUT', async () => {
    expect(await errorCode({ metric: { event: 'Signed In' }, ...JAN, aggregate: 'SUM' })).toBe('BAD_USER_INPUT');
    expect(await errorCode({ metric: { property: 'amount' }, ...JAN, aggregate: 'UNIQUE_USERS' })).toBe('BAD_USER_INPUT');
    expect(await errorCode({ metric: {}, ...JAN })).toBe('BAD_USER_INPUT');
    expect(await errorCode({ metric: { event: 'Signed In' }, from: JAN.to, to: JAN.from })).toBe('BAD_USER_INPUT');
    expect(await errorCode({ metric: { event: 'Signed In' }, ...JAN, timeZone: 'Mars/Olympus' })).toBe('BAD_USER_INPUT');
    expect(await errorCode({ metric: { event: 'Signed In' }, from: '2000-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })).toBe(
      'BAD_USER_INPUT',
    );
    expect(await errorCode({ metric: { event: 'Signed In' }, ...JAN, scope: { accountFilter: [{ key: 'seats', contains: 'x' }] } })).toBe(
      'BAD_USER_INPUT',
    );
  });
});

describe('record metrics', () => {
  it('aggregates per account and user, over all time or a window', async () => {
    const res = await t.gql(`{
      accounts(first: 10) { nodes {
        id
        signIns: metric(metric: { event: "Signed In" })
        users: metric(metric: { event: "Signed In" }, aggregate: UNIQUE_USERS)
        jan5: metric(metric: { event: "Signed In" }, window: { from: "2026-01-05T00:00:00Z", to: "2026-01-06T00:00:00Z" })
        paid: metric(metric: { property: "amount" }, aggregate: SUM)
        avgPaid: metric(metric: { property: "amount" }, aggregate: AVG)
        exported30: metric(metric: { event: "Exported" }, window: { lastDays: 30 })
      } }
      user(id: "u1") { signIns: metric(metric: { event: "Signed In" }) last: metric(metric: { property: "amount" }, aggregate: LAST) }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data?.accounts.nodes).toEqual([
      { id: 'acme', signIns: 4, users: 2, jan5: 1, paid: 350, avgPaid: 175, exported30: 0 },
      { id: 'globex', signIns: 3, users: 2, jan5: 1, paid: 40, avgPaid: 40, exported30: 2 },
      { id: 'hooli', signIns: 2, users: 1, jan5: 0, paid: 1000, avgPaid: 1000, exported30: 0 },
      { id: 'initech', signIns: 0, users: 0, jan5: 0, paid: 0, avgPaid: null, exported30: 1 },
      { id: 'umbrella', signIns: 0, users: 0, jan5: 0, paid: 0, avgPaid: null, exported30: 0 },
    ]);
    expect(res.data?.user).toEqual({ signIns: 3, last: 250 });
  });

  it("serves an account's and a user's series, empty buckets 0 for counts and null for MAX", async () => {
    const res = await t.gql(`{
      account(id: "acme") { metricSeries(metric: { event: "Signed In" }, from: "2026-01-01T00:00:00Z", to: "2026-01-12T00:00:00Z", interval: WEEK) { total points { start value } } }
      user(id: "u3") { metricSeries(metric: { property: "amount" }, from: "2026-01-14T00:00:00Z", to: "2026-01-17T00:00:00Z", aggregate: MAX) { total points { value } } }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data?.account.metricSeries).toEqual({
      total: 4,
      points: [
        { start: '2025-12-29T00:00:00.000Z', value: 3 },
        { start: '2026-01-05T00:00:00.000Z', value: 1 },
      ],
    });
    expect(res.data?.user.metricSeries).toEqual({ total: 40, points: [{ value: null }, { value: 40 }, { value: null }] });
  });

  it('attributes earlier events retroactively when a user is linked or moved to another account', async () => {
    const before = await t.gql('{ a: account(id: "initech") { metric(metric: { event: "Invite Sent" }) } }');
    expect(before.data?.a.metric).toBe(0);
    // Events of a user nobody knows yet, then the user arrives linked to initech, then moves to umbrella.
    await send(t, TRACK, [
      { name: 'Invite Sent', userId: 'u7', timestamp: '2026-01-08T10:00:00Z' },
      { name: 'Invite Sent', userId: 'u7', timestamp: '2026-01-09T10:00:00Z' },
      { name: 'Invite Sent', userId: 'u7', timestamp: '2026-01-09T11:00:00Z', accountId: 'acme' },
    ]);
    const METRICS = `{
      initech: account(id: "initech") { metric(metric: { event: "Invite Sent" }) lastActivityAt }
      umbrella: account(id: "umbrella") { metric(metric: { event: "Invite Sent" }) }
      acme: account(id: "acme") { metric(metric: { event: "Invite Sent" }) }
    }`;
    expect((await t.gql(METRICS)).data).toMatchObject({ initech: { metric: 0 }, umbrella: { metric: 0 }, acme: { metric: 1 } });
    await send(t, UPSERT_USERS, [{ id: 'u7', email: 'gus@initech.com', accountId: 'initech' }]);
    expect((await t.gql(METRICS)).data).toMatchObject({ initech: { metric: 2 }, umbrella: { metric: 0 }, acme: { metric: 1 } });
    await send(t, UPSERT_USERS, [{ id: 'u7', accountId: 'umbrella' }]);
    expect((await t.gql(METRICS)).data).toMatchObject({ initech: { metric: 0 }, umbrella: { metric: 2 }, acme: { metric: 1 } });
    const series = await t.gql(SERIES, {
      input: {
        metric: { event: 'Invite Sent' },
        from: '2026-01-08T00:00:00Z',
        to: '2026-01-10T00:00:00Z',
        scope: { accountId: 'umbrella' },
      },
    });
    expect(series.data?.metricSeries.points.map((p: { value: number }) => p.value)).toEqual([1, 1]);
  });
});
