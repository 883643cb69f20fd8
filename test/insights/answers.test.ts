import { describe, expect, it } from 'vitest';
import { KEPT_ANSWER_CHARS, KEPT_ANSWERS } from '../../src/insights/answers.ts';
import { DELETE_USERS, TRACK, UPSERT_USERS, upsertNamedAccounts, upsertUsersIn } from '../ingest/fragments.ts';
import { suiteApp } from '../support/harness.ts';
import { query, sql } from '../support/sql.ts';

// Kept answers (src/insights/answers.ts): a workspace series of one event is grouped from the
// rollups once, then served from `rollup_answers` while no write changed that event's rollups in
// the weeks it covers. Every write that does (new events, link changes, purges) makes the next read
// group again, so answers always equal a recount; writes elsewhere (another event, other weeks,
// replays) do not.

const t = suiteApp();

const ws = () => t.workspaceId;

const SERIES = `query($event: String!, $from: DateTime!, $to: DateTime!, $interval: Interval, $aggregate: MetricAggregate, $timeZone: String) {
  metricSeries(input: { metric: { event: $event }, from: $from, to: $to, interval: $interval, aggregate: $aggregate, timeZone: $timeZone }) {
    total points { start value }
  }
}`;

/** Twelve ISO weeks, Monday 5 January to Sunday 29 March 2026 (UTC). */
const WEEKS = { from: '2026-01-05T00:00:00Z', to: '2026-03-30T00:00:00Z', interval: 'WEEK' };

async function series(variables: Record<string, unknown>) {
  const before = t.database.stats.statements;
  const res: any = await t.gql(SERIES, variables);
  expect(res.errors).toBeUndefined();
  const points = (res.data.metricSeries.points as Array<{ start: string; value: number }>)
    .filter((p) => p.value !== 0)
    .map((p) => ({ week: p.start.slice(0, 10), value: p.value }));
  return { statements: t.database.stats.statements - before, total: res.data.metricSeries.total as number, points };
}

/** The weekly series recounted from the raw events (effective account: explicit, else the user's). */
async function recount(event: string, aggregate: 'UNIQUE_USERS' | 'UNIQUE_ACCOUNTS' | 'COUNT') {
  const value = {
    UNIQUE_USERS: sql`count(distinct e.user_id)`,
    UNIQUE_ACCOUNTS: sql`count(distinct coalesce(e.account_id, u.account_id))`,
    COUNT: sql`count(*)`,
  }[aggregate];
  const within = sql`e.workspace_id = ${ws()} and e.name = ${event} and e.occurred_at >= ${WEEKS.from}::timestamptz and e.occurred_at < ${WEEKS.to}::timestamptz`;
  const from = sql`from events e left join users u on u.workspace_id = e.workspace_id and u.id = e.user_id where ${within}`;
  const points = await query<{ week: string; value: number }>(
    t,
    sql`select to_char(date_trunc('week', (e.occurred_at at time zone 'UTC')::date::timestamp), 'YYYY-MM-DD') as week, ${value}::float8 as value
        ${from} group by 1 having ${value} > 0 order by 1`,
  );
  const [total] = await query<{ value: number }>(t, sql`select ${value}::float8 as value ${from}`);
  return { total: total?.value ?? 0, points };
}

describe('kept answers', () => {
  it('serve a workspace series until a write changes what it read, and always equal a recount', async () => {
    await upsertNamedAccounts(t, ['a1', 'a2']);
    await upsertUsersIn(t, { u1: 'a1', u2: 'a2', u3: null });
    await t.gql(TRACK, {
      records: [
        { name: 'Signed In', userId: 'u1', timestamp: '2026-01-06T10:00:00Z' },
        { name: 'Signed In', userId: 'u2', timestamp: '2026-01-07T10:00:00Z' },
        { name: 'Signed In', userId: 'u3', timestamp: '2026-02-10T10:00:00Z', eventId: 'late' },
        { name: 'Signed In', userId: 'u1', timestamp: '2026-03-03T10:00:00Z' },
        { name: 'Page Viewed', userId: 'u1', timestamp: '2026-01-06T10:00:00Z' },
      ],
    });
    const wau = { event: 'Signed In', ...WEEKS, aggregate: 'UNIQUE_USERS' };
    const first = await series(wau);
    const { statements: _a, ...firstAnswer } = first;
    expect(firstAnswer).toEqual(await recount('Signed In', 'UNIQUE_USERS'));
    // Nothing changed: the kept answer, two statements fewer (the check instead of check, grouping and store).
    const kept = await series(wau);
    expect(kept.statements).toBe(first.statements - 2);
    expect(kept.points).toEqual(first.points);

    // Another event in the same weeks, the same event outside them, and a replay: still kept.
    await t.gql(TRACK, { records: [{ name: 'Page Viewed', userId: 'u2', timestamp: '2026-02-10T10:00:00Z' }] });
    await t.gql(TRACK, { records: [{ name: 'Signed In', userId: 'u2', timestamp: '2025-06-02T10:00:00Z' }] });
    await t.gql(TRACK, { records: [{ name: 'Signed In', userId: 'u3', timestamp: '2026-02-10T10:00:00Z', eventId: 'late' }] });
    expect(await series(wau)).toEqual(kept);

    // A new event in a covered week: grouped again.
    await t.gql(TRACK, { records: [{ name: 'Signed In', userId: 'u2', timestamp: '2026-02-11T10:00:00Z' }] });
    const grown = await series(wau);
    expect(grown.statements).toBe(first.statements);
    expect(grown.points).toContainEqual({ week: '2026-02-09', value: 2 });
    expect({ total: grown.total, points: grown.points }).toEqual(await recount('Signed In', 'UNIQUE_USERS'));

    // Retroactive attribution: u3's events move to a1 (accounts per week change; users do not).
    const accounts = { ...wau, aggregate: 'UNIQUE_ACCOUNTS' };
    const before = await series(accounts);
    expect({ total: before.total, points: before.points }).toEqual(await recount('Signed In', 'UNIQUE_ACCOUNTS'));
    await t.gql(UPSERT_USERS, { records: [{ id: 'u3', email: 'u3@x.io', accountId: 'a1' }] });
    const relinked = await series(accounts);
    expect(relinked.points).not.toEqual(before.points);
    expect({ total: relinked.total, points: relinked.points }).toEqual(await recount('Signed In', 'UNIQUE_ACCOUNTS'));

    // A purge removes u2's events.
    await t.gql(DELETE_USERS, { ids: ['u2'], purge: true });
    for (const aggregate of ['UNIQUE_USERS', 'UNIQUE_ACCOUNTS', 'COUNT'] as const) {
      const after = await series({ ...wau, aggregate });
      expect({ total: after.total, points: after.points }).toEqual(await recount('Signed In', aggregate));
    }
  });

  it('see an event of the UTC week after the last day of a series in another time zone', async () => {
    // Monday 2 to Sunday 8 February 2026 in New York (UTC−5): the last evening is Monday in UTC,
    // the first day of the next ISO week; the series must still see an event written there.
    const week = {
      event: 'Zoned',
      from: '2026-02-02T05:00:00Z',
      to: '2026-02-09T05:00:00Z',
      interval: 'WEEK',
      timeZone: 'America/New_York',
    };
    await t.gql(TRACK, { records: [{ name: 'Zoned', userId: 'u1', timestamp: '2026-02-03T15:00:00Z' }] });
    expect((await series(week)).total).toBe(1);
    await t.gql(TRACK, { records: [{ name: 'Zoned', userId: 'u1', timestamp: '2026-02-09T04:00:00Z' }] });
    expect((await series(week)).total).toBe(2);
  });

  it(`keep no answer larger than ${KEPT_ANSWER_CHARS} characters of JSON`, async () => {
    const count = async () =>
      (await query<{ n: number }>(t, sql`select count(*)::int as n from rollup_answers where workspace_id = ${ws()}`))[0]?.n;
    const before = await count();
    // An event on each of 600 days, read daily: 600 rows, computed each time, never stored.
    const start = Date.parse('2024-01-01T12:00:00Z');
    const records = Array.from({ length: 600 }, (_, i) => ({
      name: 'Daily',
      userId: 'u1',
      timestamp: new Date(start + i * 86_400_000).toISOString(),
    }));
    expect((await t.gql(TRACK, { records })).data?.trackEvents.created).toBe(600);
    const long = { event: 'Daily', from: '2024-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', interval: 'DAY' };
    const first = await series(long);
    expect(await count()).toBe(before);
    expect((await series(long)).statements).toBe(first.statements);
  });

  it(`keep at most ${KEPT_ANSWERS} answers per workspace and consumer, the least recently used going first`, async () => {
    const views = async () => {
      const before = t.database.stats.statements;
      const res = await t.gql('{ views { id locked preview { rows { id cells } totalCount } } }');
      expect(res.errors).toBeUndefined();
      return t.database.stats.statements - before;
    };
    const computed = await views();
    const keptViews = await views();
    expect(keptViews).toBeLessThan(computed);
    const start = Date.parse('2025-01-01T00:00:00Z');
    const week = (i: number) => ({
      event: 'Signed In',
      from: new Date(start + i * 86_400_000).toISOString(),
      to: new Date(start + (i + 7) * 86_400_000).toISOString(),
      interval: 'DAY',
    });
    for (let i = 0; i < KEPT_ANSWERS; i++) await series(week(i));
    // All used an hour ago but the first series, read again now: it is the most recently used.
    await query(t, sql`update rollup_answers set used_at = now() - interval '1 hour' where workspace_id = ${ws()}`);
    const firstKept = await series(week(0));
    await series(week(0));
    for (let i = KEPT_ANSWERS; i < KEPT_ANSWERS + 5; i++) await series(week(i));
    const counts = await query<{ consumer: string; n: number }>(
      t,
      sql`select consumer, count(*)::int as n from rollup_answers where workspace_id = ${ws()} group by 1 order by 1`,
    );
    expect(counts.find((c) => c.consumer === 'SERIES')?.n).toBe(KEPT_ANSWERS);
    // The first series, the earliest computed, survived the five new ones: it was used.
    expect((await series(week(0))).statements).toBe(firstKept.statements);
    // And 205 series never pushed the views' previews out.
    expect(await views()).toBe(keptViews);
  });
});
