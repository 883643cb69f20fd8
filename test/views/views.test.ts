import { readFileSync } from 'node:fs';
import { parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, TRACK, UPSERT_ACCOUNTS, UPSERT_USERS } from '../insights/dataset.ts';
import { createTestApp, type GqlResponse, type TestApp } from '../support/harness.ts';
import { seedViewsDataset } from './dataset.ts';
import { expectPreviewIsOperation } from './operation.ts';

// Views on the hand-built workspace of ./dataset.ts: every preview below is computed by hand from
// that file; every operation is run as-is and must give the preview's rows.

let t: TestApp;
let data: Awaited<ReturnType<typeof seedViewsDataset>>;

const VIEWS = `query($object: ObjectKind) { views(object: $object) {
  id title description kind object locked reason unlock
  inputs { label object semantics roles providedBy satisfied hint }
  operation { operationName query variables }
  preview { columns { key label format } rows { id cells } totalCount }
} }`;

interface ViewResult {
  id: string;
  title: string;
  kind: string;
  object: string;
  locked: boolean;
  reason: string | null;
  description: string;
  unlock: string[];
  inputs: Array<{ label: string; providedBy: string[]; satisfied: boolean; hint: string }>;
  operation: { operationName: string; query: string; variables: Record<string, unknown> } | null;
  preview: {
    columns: Array<{ key: string; format: string }>;
    rows: Array<{ id: string | null; cells: unknown[] }>;
    totalCount: number | null;
  } | null;
}

async function views(key?: string, object?: string): Promise<Map<string, ViewResult>> {
  const res = await t.gql<{ views: ViewResult[] }>(VIEWS, object ? { object } : {}, key);
  expect(res.errors).toBeUndefined();
  return new Map((res.data?.views ?? []).map((v) => [v.id, v]));
}

const rowsOf = (v: ViewResult | undefined) => v?.preview?.rows.map((r) => [r.id, ...r.cells]);

beforeAll(async () => {
  t = await createTestApp();
  data = await seedViewsDataset(t, t.adminKey);
});
afterAll(async () => {
  await t?.close();
});

describe('views on a small workspace with warehouse naming', () => {
  it('unlocks every template and previews the hand-computed answers', async () => {
    const all = await views();
    expect([...all.keys()]).toHaveLength(10);
    expect([...all.values()].filter((v) => v.locked).map((v) => v.id)).toEqual([]);

    // Active users over the last 30 days: acme u1,u2,u3 (5 activity events: `invite_sent` and `Heartbeat` are not activity),
    // globex u4,u5; hooli u8,u9; initech u6. Ties by ID.
    expect(rowsOf(all.get('most-active-accounts'))).toEqual([
      ['acme', 'Acme Corp', 3, 5],
      ['globex', 'Globex', 2, 2],
      ['hooli', 'Hooli', 2, 2],
      ['initech', 'Initech', 1, 2],
    ]);
    expect(all.get('most-active-accounts')?.preview?.totalCount).toBe(4);
    // Seats come from the custom `seat_count` (the default `seats` holds no value): hooli 2/1, acme 3/3, initech 1/2, globex 2/10.
    expect(rowsOf(all.get('seat-utilization'))).toEqual([
      ['hooli', 'Hooli', 2, 2, 1],
      ['acme', 'Acme Corp', 1, 3, 3],
      ['initech', 'Initech', 0.5, 1, 2],
      ['globex', 'Globex', 0.2, 2, 10],
    ]);
    expect(rowsOf(all.get('near-seat-limit'))).toEqual([
      ['hooli', 'Hooli', 2, 2, 1],
      ['acme', 'Acme Corp', 1, 3, 3],
    ]);
    // Renewing within 90 days: acme (20 days, activity 5 vs 2: rising) and initech (45 days, 2 vs 3: falling).
    expect(rowsOf(all.get('falling-usage-before-renewal'))).toEqual([['initech', 'Initech', 45, 2 / 3, 2]]);
    // Growing: acme 5/2 (employeeCount 500); initech and globex fell, hooli has no previous window.
    expect(rowsOf(all.get('expansion-candidates'))).toEqual([['acme', 'Acme Corp', 2.5, 5, 500]]);
    // Users created in the last 30 days: acme u1 (5 days), u3 (10 days); globex u5 (2 days). u7 has no account.
    expect(rowsOf(all.get('new-users-by-account'))).toEqual([
      ['acme', 'Acme Corp', 2],
      ['globex', 'Globex', 1],
    ]);
    expect(rowsOf(all.get('plan-mix'))).toEqual([
      [null, 'enterprise', 2],
      [null, 'pro', 2],
      [null, 'free', 1],
    ]);
    // `arr_usd` by `sales_region`: EMEA 120,000 + 15,000; NA 30,000 + 50,000; APAC has no revenue.
    expect(rowsOf(all.get('revenue-by-segment'))).toEqual([
      [null, 'EMEA', 135000, 2],
      [null, 'NA', 80000, 2],
      [null, 'APAC', null, 1],
    ]);
    // Feature use in the last 30 days: `report_created` by acme (u1) and initech (u6), `Exported Data` by globex (u5).
    expect(rowsOf(all.get('top-features'))).toEqual([
      [null, 'report_created', 2, 2],
      [null, 'Exported Data', 1, 1],
    ]);
  });

  it('counts weekly active users of the most frequent sign-in event, per ISO week', async () => {
    const view = (await views()).get('weekly-active-users');
    expect(view?.reason).toBe('`Signed In` is sign-in activity (the most frequent of 2 sign-in events).');
    const weekOf = (iso: string) => {
      const day = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
      return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * 86_400_000).toISOString();
    };
    const expected = new Map<string, Set<string>>();
    for (const e of data.events.filter((e) => e.name === 'Signed In')) {
      const week = weekOf(e.timestamp);
      expected.set(week, (expected.get(week) ?? new Set()).add(e.userId));
    }
    const rows = view?.preview?.rows ?? [];
    expect(rows).toHaveLength(12);
    for (const row of rows) expect(row.cells[1]).toBe(expected.get(row.cells[0] as string)?.size ?? 0);
    expect(rows.reduce((sum, r) => sum + (r.cells[1] as number), 0)).toBeGreaterThan(0);
  });

  it('names the fields and metrics that made each view possible, by their own names', async () => {
    const all = await views();
    expect(all.get('seat-utilization')?.reason).toBe(
      '`seat_count` holds seats; `Signed In` is sign-in activity; `Page Viewed` is page or screen views; `report_created` is feature use (and 2 more activity events).',
    );
    expect(all.get('falling-usage-before-renewal')?.reason).toMatch(/^`renewal_date` holds the renewal date; /);
    expect(all.get('revenue-by-segment')?.reason).toBe('`arr_usd` holds annual recurring revenue; `sales_region` holds the region.');
    expect(all.get('plan-mix')?.reason).toBe('`plan_tier` holds the plan.');
    expect(all.get('new-users-by-account')?.reason).toBe('`createdAt` holds when each user signed up.');
    const activity = all.get('most-active-accounts')?.inputs[0];
    expect(activity?.providedBy.sort()).toEqual(['Exported Data', 'Page Viewed', 'Signed In', 'report_created', 'user_login']);
    for (const view of all.values()) {
      expect(view.title.length).toBeGreaterThan(0);
      expect(view.description).toMatch(/^[A-Z].*\.$/);
      expect(['RANKING', 'BREAKDOWN', 'SERIES', 'SEGMENT']).toContain(view.kind);
    }
  });

  it('gives an operation that, run as-is, returns the preview rows', async () => {
    const all = await views();
    expect([...all.values()].filter((v) => !v.locked)).toHaveLength(10);
    for (const view of all.values()) await expectPreviewIsOperation(t, view);
  });

  it("takes each operation as written in src/views/operations.graphql: the workspace's choices are its variables", async () => {
    const file = parse(readFileSync(new URL('../../src/views/operations.graphql', import.meta.url), 'utf8'));
    const written = new Set(file.definitions.map((d) => print(d)));
    const mine = await views();
    // Another workspace whose seats, sign-ins and features have other names.
    const other = await t.newWorkspace('Renamed');
    await send(t, UPSERT_ACCOUNTS, [{ id: 'r1', name: 'R One', custom: { licensed_seats: 4, plan_tier: 'pro' } }], other.adminKey);
    await send(t, UPSERT_USERS, [{ id: 'r1-u', email: 'u@r1.example', accountId: 'r1' }], other.adminKey);
    await send(t, TRACK, [{ name: 'user_login', userId: 'r1-u', timestamp: data.ago(1) }], other.adminKey);
    const theirs = await views(other.adminKey);
    for (const view of mine.values()) {
      const operation = view.operation;
      if (!operation) throw new Error(`${view.id} has no operation`);
      const definitions = parse(operation.query).definitions.map((d) => print(d));
      expect(
        definitions.filter((d) => !written.has(d)),
        view.id,
      ).toEqual([]);
      const same = theirs.get(view.id)?.operation;
      if (same) expect(same.query, view.id).toBe(operation.query);
    }
    expect(mine.get('seat-utilization')?.operation?.variables).toMatchObject({ seatsKey: 'seat_count' });
    expect(theirs.get('seat-utilization')?.operation?.variables).toMatchObject({ seatsKey: 'licensed_seats' });
    expect(theirs.get('weekly-active-users')?.operation?.variables).toMatchObject({ event: 'user_login' });
    for (const view of theirs.values()) if (!view.locked) await expectPreviewIsOperation(t, view, other.adminKey);
  });

  it('exposes the measures on Account and User, and orders and filters by them', async () => {
    const res = await t.gql(`{
      accounts(first: 10, orderBy: { measure: { measure: USAGE_CHANGE } }, measureFilter: [{ measure: ACTIVITY, gte: 1 }]) {
        totalCount
        edges { orderValue node { id activeUsers activity usageChange seatUtilization daysUntilRenewal usersAdded
          older: activity(window: { lastDays: 60 }) } }
      }
      user(id: "u1") { activity active usageChange quiet: active(window: { from: "2020-01-01T00:00:00Z", to: "2020-02-01T00:00:00Z" }) }
    }`);
    expect(res.errors).toBeUndefined();
    const edges = res.data?.accounts.edges as Array<{ orderValue: number | null; node: Record<string, unknown> }>;
    expect(edges.map((e) => [e.node.id, e.orderValue])).toEqual([
      ['acme', 2.5],
      ['initech', 2 / 3],
      ['globex', 0.5],
      ['hooli', null],
    ]);
    expect(edges.every((e) => e.orderValue === e.node.usageChange)).toBe(true);
    expect(edges[0]?.node).toEqual({
      id: 'acme',
      activeUsers: 3,
      activity: 5,
      usageChange: 2.5,
      seatUtilization: 1,
      daysUntilRenewal: 20,
      usersAdded: 2,
      older: 7,
    });
    expect(res.data?.user).toEqual({ activity: 3, active: true, usageChange: 1.5, quiet: false });

    // Users: activity of each user, whether or not they belong to an account (u7 has none).
    const users =
      await t.gql(`{ users(first: 3, orderBy: { measure: { measure: ACTIVITY } }, measureFilter: [{ measure: ACTIVE_USERS, gt: 0 }]) {
      totalCount edges { orderValue node { id activity } } } }`);
    expect(users.data?.users).toEqual({
      totalCount: 9,
      edges: [
        { orderValue: 3, node: { id: 'u1', activity: 3 } },
        { orderValue: 2, node: { id: 'u6', activity: 2 } },
        { orderValue: 1, node: { id: 'u2', activity: 1 } },
      ],
    });

    const renewing = await t.gql(`{ accounts(orderBy: { measure: { measure: DAYS_UNTIL_RENEWAL }, direction: ASC },
      measureFilter: [{ measure: DAYS_UNTIL_RENEWAL, exists: true }]) { totalCount nodes { id daysUntilRenewal } } }`);
    expect(renewing.data?.accounts).toEqual({
      totalCount: 3,
      nodes: [
        { id: 'acme', daysUntilRenewal: 20 },
        { id: 'initech', daysUntilRenewal: 45 },
        { id: 'globex', daysUntilRenewal: 200 },
      ],
    });
  });

  it('paginates accounts ordered by a measure without duplicates or gaps (records without a value last)', async () => {
    const seen: Array<[string, number | null]> = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: GqlResponse = await t.gql(
        'query($after: String) { accounts(first: 2, after: $after, orderBy: { measure: { measure: USAGE_CHANGE } }) { pageInfo { hasNextPage endCursor } edges { orderValue node { id } } } }',
        { after },
      );
      expect(res.errors).toBeUndefined();
      for (const e of res.data?.accounts.edges) seen.push([e.node.id, e.orderValue]);
      if (!res.data?.accounts.pageInfo.hasNextPage) break;
      after = res.data?.accounts.pageInfo.endCursor;
    }
    expect(seen).toEqual([
      ['acme', 2.5],
      ['initech', 2 / 3],
      ['globex', 0.5],
      ['hooli', null],
      ['umbrella', null],
    ]);
  });

  it('refuses measures that do not apply, and malformed measure filters', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{ users(orderBy: { measure: { measure: SEAT_UTILIZATION } }) { totalCount } }', /measure of accounts/],
      ['{ accounts(measureFilter: [{ measure: ACTIVITY, gt: 1, lt: 5 }]) { totalCount } }', /exactly one/],
      ['{ accounts(measureFilter: [{ measure: ACTIVITY }]) { totalCount } }', /exactly one/],
      ['{ accounts(orderBy: { dimension: "plan", measure: { measure: ACTIVITY } }) { totalCount } }', /one of/],
    ];
    for (const [query, message] of cases) {
      const res = await t.gql(query);
      expect(res.errors?.[0]?.extensions?.code, query).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toMatch(message);
    }
  });
});

describe('eventReach (what top features runs)', () => {
  const REACH =
    'query($events: [String!]!, $window: TimeWindow, $first: Int) { eventReach(events: $events, window: $window, first: $first) { event accounts users } }';

  it('ranks events by the accounts, then the users, that had them in the window; every named event has a row', async () => {
    const events = ['Exported Data', 'never sent', 'report_created', 'Signed In', 'report_created'];
    const res = await t.gql(REACH, { events });
    expect(res.errors).toBeUndefined();
    // Signed In over the last 30 days: acme (u1), globex (u4), initech (u6), hooli (u8); u7 has no account.
    expect(res.data?.eventReach).toEqual([
      { event: 'Signed In', accounts: 4, users: 5 },
      { event: 'report_created', accounts: 2, users: 2 },
      { event: 'Exported Data', accounts: 1, users: 1 },
      { event: 'never sent', accounts: 0, users: 0 },
    ]);
    // Today and yesterday: one use each, ties by name.
    const recent = await t.gql(REACH, { events, window: { lastDays: 2 }, first: 3 });
    expect(recent.data?.eventReach).toEqual([
      { event: 'Signed In', accounts: 2, users: 3 },
      { event: 'Exported Data', accounts: 1, users: 1 },
      { event: 'report_created', accounts: 1, users: 1 },
    ]);
    const other = await t.newWorkspace('Reach elsewhere');
    const elsewhere = await t.gql(REACH, { events: ['Signed In'] }, other.adminKey);
    expect(elsewhere.data?.eventReach).toEqual([{ event: 'Signed In', accounts: 0, users: 0 }]);
  });

  it('refuses arguments out of bounds', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ events: [] }, 'events'],
      [{ events: Array.from({ length: 1001 }, (_, i) => `e${i}`) }, 'events'],
      [{ events: ['a\u0000b'] }, 'events'],
      [{ events: ['a'], first: 0 }, 'first'],
      [{ events: ['a'], first: 101 }, 'first'],
      [{ events: ['a'], window: { lastDays: 0 } }, 'window.lastDays'],
    ];
    for (const [variables, argument] of cases) {
      const res = await t.gql(REACH, variables);
      expect(res.errors?.[0]?.extensions?.code, argument).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.extensions?.argument, argument).toBe(argument);
    }
  });
});

describe('locked views and what unlocks them', () => {
  it('locks every view of an empty workspace and names what is missing', async () => {
    const empty = await t.newWorkspace('Empty');
    const all = await views(empty.adminKey);
    expect([...all.values()].every((v) => v.locked && v.operation === null && v.preview === null && v.reason === null)).toBe(true);
    expect(all.get('seat-utilization')?.unlock).toEqual([
      'Map a number column to Seats (field id `seats`) on the Account sync, or mark an existing number field on accounts SEATS with `setDimensionSemantic`.',
      'Send product events on the Event sync (e.g. `Signed In`, `Page Viewed`), or give an existing event the role SIGN_IN, PAGE_VIEW or FEATURE_USE with `setMetricRole`.',
    ]);
    expect(all.get('falling-usage-before-renewal')?.unlock[0]).toMatch(/Renewal date \(field id `renewal_date`\)/);
    expect(all.get('new-users-by-account')?.unlock).toEqual([
      'Map a date column to Created at (field id `created_at`) on the User sync, or mark an existing date field on users CREATED_AT with `setDimensionSemantic`.',
    ]);
    expect(all.get('seat-utilization')?.inputs.map((i) => i.satisfied)).toEqual([false, false]);
  });

  it('unlocks each template exactly when its inputs exist, including through overrides', async () => {
    const c = await t.newWorkspace('Gamma');
    const unlocked = async () =>
      [...(await views(c.adminKey)).values()]
        .filter((v) => !v.locked)
        .map((v) => v.id)
        .sort();

    // Accounts with a plan only: the plan mix. `contracted_users` means nothing yet, `renews_on` is text.
    await send(
      t,
      UPSERT_ACCOUNTS,
      [
        { id: 'g1', name: 'G One', plan: 'team', custom: { contracted_users: 5, renews_on: 'soon', segment_name: 'SMB' } },
        { id: 'g2', name: 'G Two', plan: 'business', custom: { contracted_users: 2, renews_on: 'later', segment_name: 'MM' } },
      ],
      c.adminKey,
    );
    expect(await unlocked()).toEqual(['plan-mix']);

    // Events whose names mean nothing to inference: still no activity.
    await send(
      t,
      UPSERT_USERS,
      [
        { id: 'gu1', email: 'gu1@g.example', accountId: 'g1' },
        { id: 'gu2', email: 'gu2@g.example', accountId: 'g1' },
      ],
      c.adminKey,
    );
    await send(
      t,
      TRACK,
      [
        { name: 'heartbeat', userId: 'gu1', timestamp: data.ago(1) },
        { name: 'heartbeat', userId: 'gu2', timestamp: data.ago(2) },
      ],
      c.adminKey,
    );
    expect(await unlocked()).toEqual(['plan-mix']);

    // The workspace says `heartbeat` is a sign-in: activity views unlock.
    await t.gql(
      'mutation { setMetricRole(input: { metric: { kind: COUNT, name: "heartbeat" }, role: ERROR }) { userErrors { code } } }',
      {},
      c.adminKey,
    );
    expect(await unlocked()).toEqual(['plan-mix']);
    const role = await t.gql(
      'mutation { setMetricRole(input: { metric: { kind: COUNT, name: "heartbeat" }, role: SIGN_IN }) { metric { name role inferredRole roleOverridden } userErrors { code } } }',
      {},
      c.adminKey,
    );
    expect(role.data?.setMetricRole).toEqual({
      metric: { name: 'heartbeat', role: 'SIGN_IN', inferredRole: null, roleOverridden: true },
      userErrors: [],
    });
    expect(await unlocked()).toEqual(['most-active-accounts', 'plan-mix', 'weekly-active-users']);
    expect((await views(c.adminKey)).get('most-active-accounts')?.reason).toBe('`heartbeat` is sign-in activity.');

    // `contracted_users` holds seats: the seat views unlock, with g1 at 2 active users / 5 seats.
    const semantic = await t.gql(
      'mutation { setDimensionSemantic(input: { object: ACCOUNT, key: "contracted_users", semantic: SEATS }) { dimension { key semantic inferredSemantic semanticOverridden } userErrors { code } } }',
      {},
      c.adminKey,
    );
    expect(semantic.data?.setDimensionSemantic).toEqual({
      dimension: { key: 'contracted_users', semantic: 'SEATS', inferredSemantic: null, semanticOverridden: true },
      userErrors: [],
    });
    let all = await views(c.adminKey);
    expect(rowsOf(all.get('seat-utilization'))).toEqual([
      ['g1', 'G One', 0.4, 2, 5],
      ['g2', 'G Two', 0, 0, 2],
    ]);
    expect(all.get('seat-utilization')?.reason).toBe('`contracted_users` holds seats; `heartbeat` is sign-in activity.');

    // A text field marked as the renewal date cannot serve: the view stays locked and says why.
    await t.gql(
      'mutation { setDimensionSemantic(input: { object: ACCOUNT, key: "renews_on", semantic: RENEWAL_DATE }) { userErrors { code } } }',
      {},
      c.adminKey,
    );
    all = await views(c.adminKey);
    expect(all.get('falling-usage-before-renewal')?.locked).toBe(true);
    expect(all.get('falling-usage-before-renewal')?.unlock[0]).toMatch(/^`renews_on` means Renewal date but holds STRING values/);

    // The overrides survive re-ingestion of the same fields.
    await send(t, UPSERT_ACCOUNTS, [{ id: 'g1', custom: { contracted_users: 6, renews_on: 'never' } }], c.adminKey);
    await send(t, TRACK, [{ name: 'heartbeat', userId: 'gu1', timestamp: data.ago(3) }], c.adminKey);
    const dims = await t.gql(
      '{ dimensions(object: ACCOUNT) { key semantic semanticOverridden } metrics(kind: COUNT) { name role } }',
      {},
      c.adminKey,
    );
    expect(dims.data?.dimensions.find((d: { key: string }) => d.key === 'contracted_users')).toEqual({
      key: 'contracted_users',
      semantic: 'SEATS',
      semanticOverridden: true,
    });
    expect(dims.data?.metrics).toEqual([{ name: 'heartbeat', role: 'SIGN_IN' }]);
    expect(rowsOf((await views(c.adminKey)).get('seat-utilization'))?.[0]).toEqual(['g1', 'G One', 2 / 6, 2, 6]);

    // Clearing: `null` removes a meaning (even an inferred one); reset returns to inference.
    await t.gql(
      'mutation { setDimensionSemantic(input: { object: ACCOUNT, key: "plan", semantic: null }) { userErrors { code } } }',
      {},
      c.adminKey,
    );
    await t.gql(
      'mutation { setMetricRole(input: { metric: { kind: COUNT, name: "heartbeat" }, reset: true }) { userErrors { code } } }',
      {},
      c.adminKey,
    );
    expect(await unlocked()).toEqual([]);
    expect((await views(c.adminKey)).get('plan-mix')?.unlock).toEqual([
      '`plan` would provide it (inferred PLAN) but was marked otherwise: reset it with `setDimensionSemantic` (`reset: true`), or map a text column to Plan (field id `plan`) on the Account sync, or mark an existing text field on accounts PLAN with `setDimensionSemantic`.',
    ]);
    await t.gql(
      'mutation { setDimensionSemantic(input: { object: ACCOUNT, key: "plan", reset: true }) { userErrors { code } } }',
      {},
      c.adminKey,
    );
    expect(await unlocked()).toEqual(['plan-mix']);

    // An event inference counts as activity, taken away by a correction: the hint names it.
    await send(t, TRACK, [{ name: 'Signed In', userId: 'gu1', timestamp: data.ago(1) }], c.adminKey);
    expect(await unlocked()).toEqual(
      ['most-active-accounts', 'plan-mix', 'seat-utilization', 'near-seat-limit', 'weekly-active-users'].sort(),
    );
    await t.gql(
      'mutation { setMetricRole(input: { metric: { kind: COUNT, name: "Signed In" }, role: null }) { userErrors { code } } }',
      {},
      c.adminKey,
    );
    expect(await unlocked()).toEqual(['plan-mix']);
    expect((await views(c.adminKey)).get('most-active-accounts')?.unlock[0]).toMatch(
      /^`Signed In` would provide it \(inferred SIGN_IN\) but was given no role: reset it with `setMetricRole`/,
    );
  });

  it('validates corrections', async () => {
    const cases: Array<[string, unknown]> = [
      [
        'mutation { setMetricRole(input: { metric: { kind: COUNT, name: "Signed In" }, role: REVENUE }) { metric { name } userErrors { code field } } }',
        { metric: null, userErrors: [{ code: 'INVALID', field: ['input', 'role'] }] },
      ],
      [
        'mutation { setMetricRole(input: { metric: { kind: COUNT, name: "Signed In" }, role: SIGN_IN, reset: true }) { metric { name } userErrors { code field } } }',
        { metric: null, userErrors: [{ code: 'INVALID', field: ['input', 'role'] }] },
      ],
      [
        'mutation { setMetricRole(input: { metric: { kind: VALUE, name: "Signed In" }, role: REVENUE }) { metric { name } userErrors { code field } } }',
        { metric: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'metric', 'name'] }] },
      ],
      [
        'mutation { setDimensionSemantic(input: { object: USER, key: "seat_count", semantic: SEATS }) { dimension { key } userErrors { code field } } }',
        { dimension: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'key'] }] },
      ],
    ];
    for (const [query, expected] of cases) {
      const res = await t.gql(query);
      expect(Object.values(res.data ?? {})[0], query).toEqual(expected);
    }
    const reader = await t.keyWithScopes(['READ']);
    const forbidden = await t.gql(
      'mutation { setMetricRole(input: { metric: { kind: COUNT, name: "Signed In" }, role: ERROR }) { userErrors { code } } }',
      {},
      reader,
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await views(reader)).size).toBe(10);
  });

  it('shows each workspace only its own data, and filters views by object', async () => {
    const other = await t.newWorkspace('Other');
    await seedViewsDataset(t, other.adminKey);
    await send(t, UPSERT_ACCOUNTS, [{ id: 'zeta', name: 'Zeta', custom: { seat_count: 1, plan_tier: 'zeta-plan' } }], other.adminKey);
    await send(t, UPSERT_USERS, [{ id: 'z1', email: 'z1@zeta.example', accountId: 'zeta' }], other.adminKey);
    await send(t, TRACK, [{ name: 'Signed In', userId: 'z1', timestamp: data.ago(1) }], other.adminKey);
    const mine = await views();
    const theirs = await views(other.adminKey);
    expect(rowsOf(mine.get('plan-mix'))?.map((r) => r[1])).toEqual(['enterprise', 'pro', 'free']);
    expect(rowsOf(theirs.get('plan-mix'))?.map((r) => r[1])).toEqual(['enterprise', 'pro', 'free', 'zeta-plan']);
    expect(mine.get('most-active-accounts')?.preview?.totalCount).toBe(4);
    expect(theirs.get('most-active-accounts')?.preview?.totalCount).toBe(5);
    expect(JSON.stringify([...mine.values()])).not.toContain('zeta');

    expect([...(await views(undefined, 'EVENT')).keys()]).toEqual(['top-features']);
    expect([...(await views(undefined, 'USER')).keys()]).toEqual(['weekly-active-users']);
  });
});
