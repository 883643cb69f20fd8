import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../../src/insights/time.ts';
import {
  DELETE_ACCOUNTS,
  DELETE_USERS,
  TRACK,
  UPSERT_ACCOUNTS,
  UPSERT_USERS,
  upsertAccountsWithOneUser,
  upsertNamedAccounts,
  upsertUsersIn,
} from '../ingest/fragments.ts';
import { suiteApp, TEST_NOW } from '../support/harness.ts';
import { query, sql } from '../support/sql.ts';
import { windowDrift } from '../support/windows.ts';

// Maintained windows (src/insights/windows.ts): rankings over the last 7, 30 or 90 days read
// per-record totals kept by every write; so do the `metrics` catalog (all-time totals per user,
// account and event name, `metric_reach`) and account series and rankings (`account_daily`). They must always equal a recount from the raw events,
// after any sequence of inserts, replays, link changes (retroactive attribution) and deletions.

const t = suiteApp();

const ws = () => t.workspaceId;
const DAY_MS = 86_400_000;
const today = () => dayOf(TEST_NOW);

/**
 * The all-time totals of every metric (`metric_reach`: per user, per account and, for value metrics,
 * per event name with the values' sum) and the user/account counts (`metric_reach_counts`) next to a
 * recount from events. Rows that differ; none when they agree.
 */
async function reachDrift() {
  const recount = sql`
    with e as (
      select e.name, e.user_id, coalesce(e.account_id, u.account_id) as account_id, e.properties
      from events e left join users u on u.workspace_id = e.workspace_id and u.id = e.user_id
      where e.workspace_id = ${ws()}
    ), v as (
      select e.*, p.key as property, p.value::numeric as x
      from e cross join lateral jsonb_each(e.properties) as p(key, value) where jsonb_typeof(p.value) = 'number'
    )
    select 'COUNT' as kind, 'USER' as object, name as key, user_id as rid, count(*)::int as n, null::numeric as total from e group by 3, 4
    union all select 'COUNT', 'ACCOUNT', name, account_id, count(*)::int, null from e where account_id is not null group by 3, 4
    union all select 'VALUE', 'USER', property, user_id, count(*)::int, null from v group by 3, 4
    union all select 'VALUE', 'ACCOUNT', property, account_id, count(*)::int, null from v where account_id is not null group by 3, 4
    union all select 'VALUE', 'NAME', property, name, count(*)::int, sum(x) from v group by 3, 4`;
  const totals = await query(
    t,
    sql`
    with raw as (${recount}), kept as (
      select kind, object, key, record_id as rid, count::int as n, case when object = 'NAME' then total end as total
      from metric_reach where workspace_id = ${ws()} and count <> 0
    )
    select * from raw full join kept using (kind, object, key, rid)
    where raw.n is distinct from kept.n or raw.total is distinct from kept.total`,
  );
  const counts = await query(
    t,
    sql`
    with raw as (
      select kind, key, count(*) filter (where object = 'USER')::int as users, count(*) filter (where object = 'ACCOUNT')::int as accounts
      from (${recount}) as r where object <> 'NAME' group by 1, 2
    ), kept as (
      select kind, key, sum(users)::int as users, sum(accounts)::int as accounts
      from metric_reach_counts where workspace_id = ${ws()} group by 1, 2 having sum(users) <> 0 or sum(accounts) <> 0
    )
    select * from raw full join kept using (kind, key)
    where raw.users is distinct from kept.users or raw.accounts is distinct from kept.accounts`,
  );
  return [...totals, ...counts];
}

/** The per-account daily rollup (`account_daily`) next to a recount from events: rows that differ. */
async function accountDayDrift() {
  return await query(
    t,
    sql`
    with raw as (
      select e.name, (e.occurred_at at time zone 'UTC')::date as day, coalesce(e.account_id, u.account_id) as rid, count(*)::int as n
      from events e left join users u on u.workspace_id = e.workspace_id and u.id = e.user_id
      where e.workspace_id = ${ws()} group by 1, 2, 3
    ), kept as (
      select name, day, account_id as rid, count::int as n from account_daily where workspace_id = ${ws()} and count <> 0
    )
    select * from (select * from raw where rid is not null) raw full join kept using (name, day, rid)
    where raw.n is distinct from kept.n`,
  );
}

/** The `metrics` catalog next to the scan of the rollups it used to run (distinct users and accounts, totals, names). */
async function metricsDrift() {
  const res = await t.gql(`{ metrics { kind name total eventCount uniqueUsers uniqueAccounts eventNames } }`);
  expect(res.errors).toBeUndefined();
  const scanned = await query<Record<string, unknown>>(
    t,
    sql`
    select 'COUNT' as kind, n.name, sum(n.count)::float8 as total, sum(n.count)::int as "eventCount",
      count(distinct n.user_id)::int as "uniqueUsers", count(distinct n.account_id)::int as "uniqueAccounts", '[]' as "eventNames"
    from metric_daily n where n.workspace_id = ${ws()} group by n.name having sum(n.count) > 0
    union all
    select 'VALUE', p.property, sum(p.sum)::float8, sum(p.n)::int, count(distinct p.user_id)::int, count(distinct p.account_id)::int,
      array_to_json(array_agg(distinct p.name order by p.name))::text
    from property_daily p where p.workspace_id = ${ws()} group by p.property
    order by 1, 2`,
  );
  const api = (res.data?.metrics as Array<Record<string, unknown>>).filter((m) => (m.eventCount as number) > 0);
  expect(api.map((m) => ({ ...m, eventNames: m.kind === 'COUNT' ? '[]' : JSON.stringify(m.eventNames) }))).toEqual(
    scanned.map((r) => ({ ...r, eventNames: r.kind === 'COUNT' ? '[]' : JSON.stringify(JSON.parse(r.eventNames as string)) })),
  );
}

const RANK = `query($event: String!, $window: TimeWindow!) {
  accounts(first: 100, orderBy: { metric: { metric: { event: $event }, window: $window } }) { edges { orderValue node { id } } }
  users(first: 100, orderBy: { metric: { metric: { event: $event }, window: $window } }) { edges { orderValue node { id } } }
}`;

/** The ranking of existing accounts / users by a recount (events, or distinct users), in the API's order (desc, then ID). */
async function recountRanking(object: 'ACCOUNT' | 'USER', name: string, firstDay: string, lastDay: string, unique = false) {
  const table = sql.raw(object === 'ACCOUNT' ? 'accounts' : 'users');
  const key = sql.raw(object === 'ACCOUNT' ? 'coalesce(e.account_id, u.account_id)' : 'e.user_id');
  const found = await query<{ id: string; n: number }>(
    t,
    sql`
    select r.id, coalesce(c.n, 0)::float8 as n from ${table} r
    left join (
      select ${key} as rid, ${unique ? sql`count(distinct e.user_id)` : sql`count(*)`} as n
      from events e left join users u on u.workspace_id = e.workspace_id and u.id = e.user_id
      where e.workspace_id = ${ws()} and e.name = ${name} and (e.occurred_at at time zone 'UTC')::date between ${firstDay}::date and ${lastDay}::date
      group by 1
    ) c on c.rid = r.id
    where r.workspace_id = ${ws()}
    order by 2 desc, r.id collate "C" asc limit 100`,
  );
  return found.map((r) => ({ id: r.id, n: r.n }));
}

async function rank(name: string, window: Record<string, unknown>) {
  const res = await t.gql(RANK, { event: name, window });
  expect(res.errors).toBeUndefined();
  const pick = (conn: any) => conn.edges.map((e: any) => ({ id: e.node.id, n: e.orderValue }));
  return { accounts: pick(res.data?.accounts), users: pick(res.data?.users) };
}

const PAGE = `query($event: String!, $window: TimeWindow!, $after: String, $aggregate: MetricAggregate) {
  accounts(first: 2, after: $after, orderBy: { metric: { metric: { event: $event }, aggregate: $aggregate, window: $window } }) {
    pageInfo { hasNextPage endCursor } edges { orderValue node { id } }
  }
}`;

/** The same ranking, two accounts per page, following the cursors (crosses from counted to uncounted accounts). */
async function rankPaged(name: string, window: Record<string, unknown>, aggregate = 'COUNT') {
  const all: Array<{ id: string; n: number }> = [];
  let after: string | null = null;
  for (let i = 0; i < 50; i++) {
    const res: any = await t.gql(PAGE, { event: name, window, after, aggregate });
    expect(res.errors).toBeUndefined();
    all.push(...res.data.accounts.edges.map((e: any) => ({ id: e.node.id, n: e.orderValue })));
    if (!res.data.accounts.pageInfo.hasNextPage) break;
    after = res.data.accounts.pageInfo.endCursor;
  }
  return all;
}

const UNIQUE = `query($event: String!, $window: TimeWindow!) {
  accounts(first: 100, orderBy: { metric: { metric: { event: $event }, aggregate: UNIQUE_USERS, window: $window } }) {
    edges { orderValue node { id } }
  }
}`;

async function rankUnique(name: string, window: Record<string, unknown>) {
  const res: any = await t.gql(UNIQUE, { event: name, window });
  expect(res.errors).toBeUndefined();
  return res.data.accounts.edges.map((e: any) => ({ id: e.node.id, n: e.orderValue }));
}

/**
 * Events whose role is activity in the property below: `Signed In` (of the tests above, by
 * inference), `Ping`, `Pong`, and `Noise` while a step has made it a page view.
 */
const ACTIVITY = new Set(['Ping', 'Pong', 'Signed In']);

const MEASURES = `query($window: TimeWindow!) {
  accounts(first: 100, orderBy: { measure: { measure: ACTIVE_USERS, window: $window } }) {
    edges { orderValue node { id activeUsers(window: $window) activity(window: $window) usageChange(window: $window) } }
  }
  users(first: 100, orderBy: { measure: { measure: ACTIVITY, window: $window } }) {
    edges { orderValue node { id activity(window: $window) usageChange(window: $window) } }
  }
  growing: accounts(first: 100, measureFilter: [{ measure: USAGE_CHANGE, window: $window, gte: 1 }]) { totalCount }
  # The same order with a filter every account passes: joins the totals instead of walking their rank index.
  joined: accounts(first: 100, measureFilter: [{ measure: ACTIVITY, window: $window, gte: 0 }], orderBy: { measure: { measure: ACTIVE_USERS, window: $window } }) {
    edges { orderValue node { id } }
  }
}`;

const MEASURE_PAGE = `query($window: TimeWindow!, $after: String) {
  accounts(first: 2, after: $after, orderBy: { measure: { measure: ACTIVE_USERS, window: $window } }) {
    pageInfo { hasNextPage endCursor } edges { orderValue node { id } }
  }
}`;

/** Accounts by active users, two per page, following the cursors (crosses from active to inactive accounts). */
async function measurePaged(days: number) {
  const all: Array<{ id: string; n: number }> = [];
  let after: string | null = null;
  for (let i = 0; i < 50; i++) {
    const res: any = await t.gql(MEASURE_PAGE, { window: { lastDays: days }, after });
    expect(res.errors).toBeUndefined();
    all.push(...res.data.accounts.edges.map((e: any) => ({ id: e.node.id, n: e.orderValue })));
    if (!res.data.accounts.pageInfo.hasNextPage) break;
    after = res.data.accounts.pageInfo.endCursor;
  }
  return all;
}

/**
 * The activity measures of every account and user (active users, activity, usage change over the
 * last `days` days and the window before), ordered as the API orders them, by a recount from events.
 */
async function recountMeasures(object: 'ACCOUNT' | 'USER', days: number) {
  const table = sql.raw(object === 'ACCOUNT' ? 'accounts' : 'users');
  const key = sql.raw(object === 'ACCOUNT' ? 'coalesce(e.account_id, u.account_id)' : 'e.user_id');
  const first = addDays(today(), -(days - 1));
  const before = addDays(today(), -(2 * days - 1));
  const found = await query<{ id: string; active: number; current: number; previous: number }>(
    t,
    sql`
    select r.id, coalesce(c.active, 0)::int as active, coalesce(c.current, 0)::int as current, coalesce(c.previous, 0)::int as previous
    from ${table} r
    left join (
      select ${key} as rid,
        count(distinct e.user_id) filter (where day >= ${first}::date) as active,
        count(*) filter (where day >= ${first}::date) as current,
        count(*) filter (where day < ${first}::date) as previous
      from (select *, (occurred_at at time zone 'UTC')::date as day from events) e
      left join users u on u.workspace_id = e.workspace_id and u.id = e.user_id
      where e.workspace_id = ${ws()} and e.name in (select jsonb_array_elements_text(${JSON.stringify([...ACTIVITY])}::jsonb)) and e.day between ${before}::date and ${today()}::date
      group by 1
    ) c on c.rid = r.id
    where r.workspace_id = ${ws()}`,
  );
  const change = (r: { current: number; previous: number }) => (r.previous > 0 ? r.current / r.previous : null);
  const value = (r: (typeof found)[number]) => (object === 'ACCOUNT' ? r.active : r.current);
  const ordered = found.sort((a, b) => value(b) - value(a) || (a.id < b.id ? -1 : 1));
  return {
    records: ordered.map((r) =>
      object === 'ACCOUNT'
        ? { id: r.id, n: r.active, activeUsers: r.active, activity: r.current, usageChange: change(r) }
        : { id: r.id, n: r.current, activity: r.current, usageChange: change(r) },
    ),
    growing: found.filter((r) => (change(r) ?? 0) >= 1).length,
  };
}

async function measures(days: number) {
  const res: any = await t.gql(MEASURES, { window: { lastDays: days } });
  expect(res.errors).toBeUndefined();
  const pick = (conn: any) => conn.edges.map((e: any) => ({ n: e.orderValue, ...e.node }));
  return {
    accounts: pick(res.data.accounts),
    users: pick(res.data.users),
    growing: res.data.growing.totalCount as number,
    joined: res.data.joined.edges.map((e: any) => ({ id: e.node.id, n: e.orderValue })),
  };
}

/** Workspace series of both events by every count aggregate, weekly in UTC and Tokyo and daily in New York. */
const WORKSPACE_SERIES = `query($from: DateTime!, $to: DateTime!) {${['Ping', 'Pong']
  .flatMap((event) =>
    ['UNIQUE_USERS', 'UNIQUE_ACCOUNTS', 'COUNT'].flatMap((aggregate) =>
      [
        ['WEEK', 'UTC'],
        ['WEEK', 'Asia/Tokyo'],
        ['DAY', 'America/New_York'],
      ].map(
        ([interval, zone], i) =>
          `\n  ${event}_${aggregate}_${i}: metricSeries(input: { metric: { event: "${event}" }, from: $from, to: $to, interval: ${interval}, aggregate: ${aggregate}, timeZone: "${zone}" }) { total points { start value } }`,
      ),
    ),
  )
  .join('')}\n}`;

async function workspaceSeries(range: { from: string; to: string }) {
  const res: any = await t.gql(WORKSPACE_SERIES, range);
  expect(res.errors).toBeUndefined();
  return res.data;
}

const VIEWS = `{ views { id locked operation { variables } preview { rows { id cells } totalCount } } }`;

/**
 * Every view's preview as kept next to the same computed afresh, and the previews of the views
 * that group the rollups over a range: weekly active users (distinct users of the sign-in event per ISO week, the last 12) and top features (distinct
 * accounts and users of each feature event over the last 30 days), next to a recount from events.
 */
async function expectViewsEqualRecount() {
  const res: any = await t.gql(VIEWS);
  expect(res.errors).toBeUndefined();
  const byId = new Map<string, any>(res.data.views.map((v: any) => [v.id, v]));
  // Every preview as kept equals the same computed with nothing kept.
  await query(t, sql`delete from rollup_answers where workspace_id = ${ws()}`);
  const fresh: any = await t.gql(VIEWS);
  expect(res.data.views).toEqual(fresh.data.views);
  const wau = byId.get('weekly-active-users');
  // (Locked when the sign-in event has no events left, after purges.)
  if (!wau.locked) {
    const event = wau.operation.variables.event as string;
    const weeks = await query<{ week: string; users: number }>(
      t,
      sql`select to_char(date_trunc('week', day::timestamp), 'YYYY-MM-DD') as week, count(distinct user_id)::int as users
        from (select user_id, (occurred_at at time zone 'UTC')::date as day from events where workspace_id = ${ws()} and name = ${event}) e
        where day <= ${today()}::date and day >= date_trunc('week', ${addDays(today(), -77)}::date::timestamp)::date
        group by 1`,
    );
    const recounted = new Map(weeks.map((w) => [w.week, w.users]));
    expect(wau.preview.rows.map((r: any) => [r.cells[0].slice(0, 10), r.cells[1]])).toEqual(
      wau.preview.rows.map((r: any) => [r.cells[0].slice(0, 10), recounted.get(r.cells[0].slice(0, 10)) ?? 0]),
    );
    viewsChecked.add(wau.id);
  }
  const features = byId.get('top-features');
  for (const [name, accounts, users] of (features.preview?.rows ?? []).map((r: any) => r.cells)) {
    const [recount] = await query<{ accounts: number; users: number }>(
      t,
      sql`select count(distinct coalesce(e.account_id, u.account_id))::int as accounts, count(distinct e.user_id)::int as users
          from events e left join users u on u.workspace_id = e.workspace_id and u.id = e.user_id
          where e.workspace_id = ${ws()} and e.name = ${name}
            and (e.occurred_at at time zone 'UTC')::date between ${addDays(today(), -29)}::date and ${today()}::date`,
    );
    expect({ name, accounts, users }).toEqual({ name, ...recount });
    viewsChecked.add(features.id);
  }
}

/** The views `expectViewsEqualRecount` compared with a recount at least once. */
const viewsChecked = new Set<string>();

describe('maintained windows', () => {
  it('answer standard-window rankings from totals that equal a recount', async () => {
    const now = TEST_NOW.getTime();
    await upsertNamedAccounts(t, ['a1', 'a2', 'a3']);
    await upsertUsersIn(t, { u1: 'a1', u2: 'a2', u3: null });
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY_MS).toISOString();
    await t.gql(TRACK, {
      records: [
        { name: 'Signed In', timestamp: at(1), userId: 'u1' },
        { name: 'Signed In', timestamp: at(2), userId: 'u1' },
        { name: 'Signed In', timestamp: at(3), userId: 'u2' },
        { name: 'Signed In', timestamp: at(20), userId: 'u2' },
        { name: 'Signed In', timestamp: at(20), userId: 'u2', accountId: 'a3' },
        { name: 'Signed In', timestamp: at(45), userId: 'u3', accountId: 'a3' },
        { name: 'Signed In', timestamp: at(120), userId: 'u3', accountId: 'a3' },
      ],
    });

    const last30 = await rank('Signed In', { lastDays: 30 });
    expect(last30.accounts).toEqual(await recountRanking('ACCOUNT', 'Signed In', addDays(today(), -29), today()));
    expect(last30.accounts.slice(0, 2)).toEqual([
      { id: 'a1', n: 2 },
      { id: 'a2', n: 2 },
    ]);
    expect(last30.users).toEqual(await recountRanking('USER', 'Signed In', addDays(today(), -29), today()));
    // Created by the read, for accounts and users, and equal to a recount.
    const windows = await query(
      t,
      sql`select object, first_day::text, last_day::text from metric_windows where workspace_id = ${ws()} order by 1`,
    );
    expect(windows).toEqual([
      { object: 'ACCOUNT', first_day: addDays(today(), -29), last_day: today() },
      { object: 'USER', first_day: addDays(today(), -29), last_day: today() },
    ]);
    expect(await windowDrift(t, ws())).toEqual([]);

    // A window given as from/to ending at today's midnight (the last 90 whole days) is maintained too.
    const midnight = new Date(`${today()}T00:00:00Z`);
    const last90 = await rank('Signed In', { from: new Date(midnight.getTime() - 90 * DAY_MS).toISOString(), to: midnight.toISOString() });
    expect(last90.accounts).toEqual(await recountRanking('ACCOUNT', 'Signed In', addDays(today(), -90), addDays(today(), -1)));
    expect(
      await query(t, sql`select 1 from metric_windows where workspace_id = ${ws()} and last_day = ${addDays(today(), -1)}::date`),
    ).toHaveLength(2);

    // Later writes keep it exact: new events (and their replays), a user who moves, a purge.
    await t.gql(TRACK, { records: [{ name: 'Signed In', timestamp: at(0), userId: 'u3', eventId: 'e-1' }] });
    await t.gql(TRACK, { records: [{ name: 'Signed In', timestamp: at(0), userId: 'u3', eventId: 'e-1' }] });
    await t.gql(UPSERT_USERS, { records: [{ id: 'u3', accountId: 'a2' }] });
    await t.gql(UPSERT_USERS, { records: [{ id: 'u1', accountId: 'a3' }] });
    expect(await windowDrift(t, ws())).toEqual([]);
    const moved = await rank('Signed In', { lastDays: 30 });
    expect(moved.accounts).toEqual(await recountRanking('ACCOUNT', 'Signed In', addDays(today(), -29), today()));
    expect(moved.accounts.slice(0, 2)).toEqual([
      { id: 'a2', n: 3 },
      { id: 'a3', n: 3 },
    ]);
    await t.gql(DELETE_USERS, { ids: ['u2'], purge: true });
    expect(await windowDrift(t, ws())).toEqual([]);
    expect((await rank('Signed In', { lastDays: 30 })).accounts).toEqual(
      await recountRanking('ACCOUNT', 'Signed In', addDays(today(), -29), today()),
    );
  });

  it('rank by distinct users over any window (grouped from the rollups) like a recount', async () => {
    const at = (daysAgo: number) => new Date(TEST_NOW.getTime() - daysAgo * DAY_MS).toISOString();
    await t.gql(TRACK, {
      records: [
        { name: 'Signed In', timestamp: at(5), userId: 'u3', accountId: 'a3' },
        { name: 'Signed In', timestamp: at(6), userId: 'u3', accountId: 'a3' },
      ],
    });
    const res = await t.gql(
      `query($window: TimeWindow!) {
        accounts(first: 100, orderBy: { metric: { metric: { event: "Signed In" }, aggregate: UNIQUE_USERS, window: $window } }) {
          edges { orderValue node { id } }
        }
      }`,
      { window: { lastDays: 45 } },
    );
    expect(res.errors).toBeUndefined();
    const recount = await query<{ id: string; n: number }>(
      t,
      sql`select a.id, coalesce(c.n, 0)::float8 as n from accounts a
          left join (
            select coalesce(e.account_id, u.account_id) as rid, count(distinct e.user_id) as n
            from events e left join users u on u.workspace_id = e.workspace_id and u.id = e.user_id
            where e.workspace_id = ${ws()} and e.name = 'Signed In'
              and (e.occurred_at at time zone 'UTC')::date between ${addDays(today(), -44)}::date and ${today()}::date
            group by 1
          ) c on c.rid = a.id
          where a.workspace_id = ${ws()} order by 2 desc, a.id collate "C" asc`,
    );
    expect(res.data?.accounts.edges.map((e: any) => ({ id: e.node.id, n: e.orderValue }))).toEqual(recount);
    expect(recount.some((r) => r.n > 1)).toBe(true);
  });

  it('rank by a count over any other window of the last 90 days among the leading records of the window that bounds it', async () => {
    // 30 accounts with one user each and uneven activity (ties included) of an event of their own.
    const ids = Array.from({ length: 30 }, (_, i) => `b${String(i).padStart(2, '0')}`);
    await upsertAccountsWithOneUser(t, ids);
    const at = (daysAgo: number) => new Date(TEST_NOW.getTime() - daysAgo * DAY_MS).toISOString();
    // Account i: 30 - 2⌊i/2⌋ events in the last 45 days (pairs of ties), i % 4 more 50 to 89 days
    // ago, i % 3 more 100 days ago, one more 70 days ago every fifth account from b20.
    const events = (id: string, n: number, daysAgo: (k: number) => number) =>
      Array.from({ length: n }, (_, k) => ({ name: 'Bounded', userId: `${id}-u`, timestamp: at(daysAgo(k)) }));
    const records = ids.flatMap((id, i) => [
      ...events(id, 30 - 2 * Math.floor(i / 2), (k) => (i + k * 7) % 45),
      ...events(id, i % 4, (k) => 50 + ((i + k * 11) % 40)),
      ...events(id, i % 3, () => 100),
      ...events(id, i >= 20 && i % 5 === 0 ? 1 : 0, () => 70),
    ]);
    // `Tied` (events in the last 45 days, and 50 to 89 days ago): the first page (two records and
    // one more for hasNextPage, looked for among 4 × 3 candidates) is undecided by the first attempt:
    // its last total (d99's 5) ties the 12th candidate's bound (d20's 5), and d30, outside the
    // candidates (same bound, later ID), ranks second. The second attempt decides it.
    const tied: Array<[string, number, number]> = [
      ['d01', 9, 0],
      ['d98', 5, 3],
      ['d99', 5, 3],
      ...Array.from({ length: 8 }, (_, i) => [`d1${i}`, 0, 6] as [string, number, number]),
      ['d20', 0, 5],
      ['d30', 5, 0],
    ];
    await t.gql(UPSERT_ACCOUNTS, { records: tied.map(([id]) => ({ id, name: id })) });
    await t.gql(UPSERT_USERS, { records: tied.map(([id]) => ({ id: `${id}-u`, email: `${id}@x.io`, accountId: id })) });
    records.push(
      ...tied
        .flatMap(([id, recent, old]) => [...events(id, recent, (k) => k), ...events(id, old, (k) => 50 + k)])
        .map((e) => ({ ...e, name: 'Tied' })),
    );
    await t.gql(TRACK, { records });
    const midnight = Date.parse(`${today()}T00:00:00Z`);
    const windows: Array<[Record<string, unknown>, string, string]> = [
      [{ lastDays: 45 }, addDays(today(), -44), today()],
      [{ lastDays: 5 }, addDays(today(), -4), today()],
      [
        { from: new Date(midnight - 60 * DAY_MS).toISOString(), to: new Date(midnight - 20 * DAY_MS).toISOString() },
        addDays(today(), -60),
        addDays(today(), -21),
      ],
      // Not within the last 90 days: grouped from the rollups.
      [{ lastDays: 120 }, addDays(today(), -119), today()],
    ];
    for (const name of ['Bounded', 'Tied']) {
      for (const [window, first, last] of windows) {
        const ranked = await rank(name, window);
        expect(ranked.accounts).toEqual(await recountRanking('ACCOUNT', name, first, last));
        expect(ranked.users).toEqual(await recountRanking('USER', name, first, last));
        // Two per page: each page is decided among 12 or 192 candidates, or falls back to grouping.
        expect(await rankPaged(name, window)).toEqual(ranked.accounts);
      }
    }
    expect((await rankPaged('Tied', { lastDays: 45 })).slice(0, 3).map((r) => r.id)).toEqual(['d01', 'd30', 'd98']);
    // The bounding windows (the last 7 and the last 90 days) were made for accounts and users.
    const made = await query(
      t,
      sql`select object, first_day::text from metric_windows where workspace_id = ${ws()} and name = 'Bounded' order by 1, 2`,
    );
    expect(made).toEqual(
      ['ACCOUNT', 'USER'].flatMap((object) => [
        { object, first_day: addDays(today(), -89) },
        { object, first_day: addDays(today(), -6) },
      ]),
    );
    // A first page decided by the bound is one statement (grouping would be another after it).
    // A first page decided by the bound costs what a maintained window's page does: one statement
    // (grouping the rollups would be another after it).
    const statements = async (window: Record<string, unknown>) => {
      const before = t.database.stats.statements;
      const res: any = await t.gql(PAGE, { event: 'Bounded', window, after: null, aggregate: 'COUNT' });
      expect(res.errors).toBeUndefined();
      return { n: t.database.stats.statements - before, page: res };
    };
    await statements({ lastDays: 30 }); // (makes that window)
    const { n, page } = await statements({ lastDays: 45 });
    expect(n).toBe((await statements({ lastDays: 30 })).n);
    expect(page.data.accounts.edges.map((e: any) => ({ id: e.node.id, n: e.orderValue }))).toEqual(
      (await recountRanking('ACCOUNT', 'Bounded', addDays(today(), -44), today())).slice(0, 2),
    );
  });

  it("give the planner each window's size: extended statistics on the window key know the windows made", async () => {
    // Per-column estimates multiplied (workspace × kind × name × object × days, all correlated) put a
    // window of thousands at about one row, and a page's lookup could then walk the rank index of a
    // whole window (seen in the bench). The window key's MCV list, refreshed by the ANALYZE that
    // follows each window's creation, holds each window with its share of the rows.
    const ids = Array.from({ length: 40 }, (_, i) => `e${String(i).padStart(2, '0')}`);
    await upsertAccountsWithOneUser(t, ids);
    const at = new Date(TEST_NOW.getTime() - DAY_MS).toISOString();
    await t.gql(TRACK, { records: ids.map((id) => ({ name: 'Est', userId: `${id}-u`, timestamp: at })) });
    await rank('Est', { lastDays: 30 });
    const items = await query<{ values: string[]; frequency: number }>(
      t,
      sql`select m.values, m.frequency from pg_statistic_ext s
          join pg_statistic_ext_data d on d.stxoid = s.oid
          cross join lateral pg_mcv_list_items(d.stxdmcv) m
          where s.stxname = 'metric_window_totals_window_stats'`,
    );
    const [total] = await query<{ n: number }>(t, sql`select count(*)::int as n from metric_window_totals`);
    // (The values come in the table's column order.)
    const key = (values: string[]) => JSON.stringify([...values].sort());
    const window = items.find((i) => key(i.values) === key([ws(), 'EVENT', 'Est', 'ACCOUNT', addDays(today(), -29), today()]));
    expect(window?.frequency).toBeCloseTo(40 / (total?.n ?? 0), 5);
  });

  it('drop windows that can no longer be asked for when a new one is made', async () => {
    await query(
      t,
      sql`insert into metric_windows (workspace_id, kind, object, name, first_day, last_day, names, kept_until)
          values (${ws()}, 'EVENT', 'ACCOUNT', 'Old', ${addDays(today(), -40)}::date, ${addDays(today(), -3)}::date, array['Old'], ${addDays(today(), -1)}::date),
                 (${ws()}, 'EVENT', 'ACCOUNT', 'Kept', ${addDays(today(), -40)}::date, ${addDays(today(), -3)}::date, array['Kept'], ${today()}::date)`,
    );
    await query(
      t,
      sql`insert into metric_window_totals (workspace_id, kind, name, object, first_day, last_day, record_id, count, users)
          values (${ws()}, 'EVENT', 'Old', 'ACCOUNT', ${addDays(today(), -40)}::date, ${addDays(today(), -3)}::date, 'a1', 5, 1)`,
    );
    await query(
      t,
      sql`insert into metric_window_members (workspace_id, kind, name, first_day, last_day, account_id, user_id, count)
          values (${ws()}, 'EVENT', 'Old', ${addDays(today(), -40)}::date, ${addDays(today(), -3)}::date, 'a1', 'u1', 5)`,
    );
    await rank('Signed In', { lastDays: 7 });
    expect(await query(t, sql`select name from metric_windows where workspace_id = ${ws()} and name in ('Old', 'Kept')`)).toEqual([
      { name: 'Kept' },
    ]);
    expect(await query(t, sql`select 1 from metric_window_totals where workspace_id = ${ws()} and name = 'Old'`)).toEqual([]);
    expect(await query(t, sql`select 1 from metric_window_members where workspace_id = ${ws()} and name = 'Old'`)).toEqual([]);
    await query(t, sql`delete from metric_windows where workspace_id = ${ws()} and name = 'Kept'`);
  });

  it('stay equal to a recount after any sequence of writes (windows, all-time totals, the metrics catalog, account days, kept answers)', async () => {
    const users = ['p1', 'p2', 'p3', 'p4'];
    const accounts = ['q1', 'q2', 'q3'];
    const now = TEST_NOW.getTime();
    const event = fc.record({
      user: fc.constantFrom(...users),
      account: fc.option(fc.constantFrom(...accounts), { nil: undefined }),
      daysAgo: fc.integer({ min: 0, max: 100 }),
      name: fc.constantFrom('Ping', 'Pong', 'Noise'),
      id: fc.option(fc.constantFrom('r1', 'r2', 'r3'), { nil: undefined }),
      // A value metric (`score`) carried by some events of either name.
      score: fc.option(fc.integer({ min: -3, max: 9 }), { nil: undefined }),
    });
    const step = fc.oneof(
      fc.record({ op: fc.constant('track' as const), events: fc.array(event, { minLength: 1, maxLength: 6 }) }),
      fc.record({ op: fc.constant('link' as const), user: fc.constantFrom(...users), account: fc.option(fc.constantFrom(...accounts)) }),
      fc.record({ op: fc.constant('deleteUser' as const), user: fc.constantFrom(...users), purge: fc.boolean() }),
      fc.record({ op: fc.constant('deleteAccount' as const), account: fc.constantFrom(...accounts), purge: fc.boolean() }),
      // 7, 30, 90: maintained; 5 and 45: bounded by the maintained 7 and 90 days.
      fc.record({ op: fc.constant('rank' as const), name: fc.constantFrom('Ping', 'Pong'), days: fc.constantFrom(7, 30, 90, 5, 45) }),
      fc.record({ op: fc.constant('unique' as const), name: fc.constantFrom('Ping', 'Pong'), days: fc.constantFrom(7, 30, 90) }),
      fc.record({ op: fc.constant('measures' as const), days: fc.constantFrom(7, 30, 90) }),
      // Kept answers (src/insights/answers.ts): workspace series and the views that group the rollups.
      fc.record({ op: fc.constant('series' as const) }),
      fc.record({ op: fc.constant('views' as const) }),
      // A change of meanings: `Noise` counts as activity (a page view), or not (an error) — the
      // activity windows are retargeted, not made again beside the old ones.
      fc.record({ op: fc.constant('role' as const), activity: fc.boolean() }),
    );
    await upsertNamedAccounts(t, accounts);
    // Ping and Pong are activity (the activity measures count both, a user once), like Signed In; Noise is not.
    const day0 = new Date(now - 400 * DAY_MS).toISOString();
    await t.gql(TRACK, { records: ['Ping', 'Pong', 'Noise'].map((name) => ({ name, userId: 'p1', timestamp: day0 })) });
    for (const [name, role] of [
      ['Ping', 'SIGN_IN'],
      ['Pong', 'FEATURE_USE'],
      ['Noise', 'ERROR'],
    ]) {
      const set = await t.gql(
        `mutation { setMetricRole(input: { metric: { kind: COUNT, name: "${name}" }, role: ${role} }) { userErrors { code } } }`,
      );
      expect(set.data?.setMetricRole.userErrors).toEqual([]);
    }
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 10 }), async (steps) => {
        for (const s of steps) {
          if (s.op === 'track') {
            const records = s.events.map((e) => ({
              name: e.name,
              userId: e.user,
              timestamp: new Date(now - e.daysAgo * DAY_MS).toISOString(),
              ...(e.account ? { accountId: e.account } : {}),
              ...(e.id ? { eventId: e.id } : {}),
              ...(e.score === undefined ? {} : { properties: { score: e.score } }),
            }));
            await t.gql(TRACK, { records });
          } else if (s.op === 'link') {
            await t.gql(UPSERT_USERS, { records: [{ id: s.user, email: `${s.user}@x.io`, accountId: s.account }] });
          } else if (s.op === 'deleteUser') {
            await t.gql(DELETE_USERS, { ids: [s.user], purge: s.purge });
          } else if (s.op === 'deleteAccount') {
            await t.gql(DELETE_ACCOUNTS, { ids: [s.account], purge: s.purge });
            await t.gql(UPSERT_ACCOUNTS, { records: [{ id: s.account, name: s.account }] });
          } else if (s.op === 'rank') {
            const ranked = await rank(s.name, { lastDays: s.days });
            const first = addDays(today(), -(s.days - 1));
            expect(ranked.accounts).toEqual(await recountRanking('ACCOUNT', s.name, first, today()));
            expect(ranked.users).toEqual(await recountRanking('USER', s.name, first, today()));
            expect(await rankPaged(s.name, { lastDays: s.days })).toEqual(ranked.accounts);
          } else if (s.op === 'unique') {
            const first = addDays(today(), -(s.days - 1));
            const ranked = await rankUnique(s.name, { lastDays: s.days });
            expect(ranked).toEqual(await recountRanking('ACCOUNT', s.name, first, today(), true));
            expect(await rankPaged(s.name, { lastDays: s.days }, 'UNIQUE_USERS')).toEqual(ranked);
          } else if (s.op === 'series') {
            const range = { from: new Date(now - 100 * DAY_MS).toISOString(), to: new Date(now).toISOString() };
            const kept = await workspaceSeries(range);
            // The same series grouped from the rollups afresh.
            await query(t, sql`delete from rollup_answers where workspace_id = ${ws()}`);
            expect(kept).toEqual(await workspaceSeries(range));
          } else if (s.op === 'views') {
            await expectViewsEqualRecount();
          } else if (s.op === 'role') {
            const role = s.activity ? 'PAGE_VIEW' : 'ERROR';
            const set = await t.gql(
              `mutation { setMetricRole(input: { metric: { kind: COUNT, name: "Noise" }, role: ${role} }) { userErrors { code } } }`,
            );
            expect(set.data?.setMetricRole.userErrors).toEqual([]);
            if (s.activity) ACTIVITY.add('Noise');
            else ACTIVITY.delete('Noise');
          } else {
            const api = await measures(s.days);
            const accountsRecount = await recountMeasures('ACCOUNT', s.days);
            expect(api.accounts).toEqual(accountsRecount.records);
            expect(api.users).toEqual((await recountMeasures('USER', s.days)).records);
            expect(api.growing).toBe(accountsRecount.growing);
            const ranking = accountsRecount.records.map((r) => ({ id: r.id, n: r.n }));
            expect(api.joined).toEqual(ranking);
            expect(await measurePaged(s.days)).toEqual(ranking);
          }
          expect(await windowDrift(t, ws())).toEqual([]);
          expect(await reachDrift()).toEqual([]);
          expect(await accountDayDrift()).toEqual([]);
        }
        await metricsDrift();
      }),
      { numRuns: 25 },
    );
    // The property made windows and wrote into them (it is not vacuous): event windows, activity
    // windows (the current and the previous), and accounts with several active users.
    expect(await query(t, sql`select 1 from metric_window_totals where workspace_id = ${ws()} and name in ('Ping', 'Pong')`)).not.toEqual(
      [],
    );
    expect(await query(t, sql`select 1 from metric_window_totals where workspace_id = ${ws()} and kind = 'ACTIVITY'`)).not.toEqual([]);
    // However often the set of activity events changed: one activity window per object and days.
    expect(
      await query(
        t,
        sql`select object, first_day from metric_windows where workspace_id = ${ws()} and kind = 'ACTIVITY' group by 1, 2, last_day having count(*) > 1`,
      ),
    ).toEqual([]);
    expect(await query(t, sql`select 1 from metric_window_totals where workspace_id = ${ws()} and users > 1`)).not.toEqual([]);
    expect([...viewsChecked].sort()).toEqual(['top-features', 'weekly-active-users']);
    // (25 random sequences of up to 10 steps, each checked against recounts: longer than one test's default.)
  }, 300_000);
});
