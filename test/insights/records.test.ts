import { beforeAll, describe, expect, it } from 'vitest';
import { type GqlResponse, suiteApp, TEST_NOW } from '../support/harness.ts';
import { seedDataset, send, UPSERT_ACCOUNTS } from './dataset.ts';

const t = suiteApp();
beforeAll(() => seedDataset(t));

const ACCOUNT_IDS = `query($filter: [DimensionFilter!], $orderBy: RecordOrder, $first: Int, $after: String) {
  accounts(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount edges { cursor orderValue node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

async function accountIds(filter: unknown[], orderBy?: unknown): Promise<string[]> {
  const res = await t.gql(ACCOUNT_IDS, { filter, orderBy, first: 100 });
  expect(res.errors).toBeUndefined();
  return res.data?.accounts.edges.map((e: { node: { id: string } }) => e.node.id);
}

async function errorOf(filter: unknown[]) {
  const res = await t.gql(ACCOUNT_IDS, { filter });
  return { code: res.errors?.[0]?.extensions?.code, message: res.errors?.[0]?.message ?? '' };
}

/** Every page of a connection, following endCursor. */
async function allPages(orderBy: unknown, first: number) {
  const pages: Array<{ ids: string[]; values: unknown[] }> = [];
  let after: string | null = null;
  for (let i = 0; i < 20; i++) {
    const res: GqlResponse = await t.gql(ACCOUNT_IDS, { orderBy, first, after });
    expect(res.errors).toBeUndefined();
    const c: any = res.data?.accounts;
    pages.push({ ids: c.edges.map((e: any) => e.node.id), values: c.edges.map((e: any) => e.orderValue) });
    expect(c.pageInfo.hasPreviousPage).toBe(after !== null);
    if (!c.pageInfo.hasNextPage) break;
    after = c.pageInfo.endCursor;
  }
  return pages;
}

describe('dimension filters', () => {
  it('filters strings: eq, neq (records without a value included), in, notIn, contains (case-insensitive)', async () => {
    expect(await accountIds([{ key: 'region', eq: 'EMEA' }])).toEqual(['acme', 'initech']);
    expect(await accountIds([{ key: 'region', neq: 'EMEA' }])).toEqual(['globex', 'hooli', 'umbrella']);
    expect(await accountIds([{ key: 'plan', in: ['pro', 'free'] }])).toEqual(['globex', 'initech', 'umbrella']);
    expect(await accountIds([{ key: 'plan', notIn: ['enterprise'] }])).toEqual(['globex', 'initech', 'umbrella']);
    expect(await accountIds([{ key: 'name', contains: 'CO' }])).toEqual(['acme', 'umbrella']);
    expect(await accountIds([{ key: 'domain', neq: 'hooli.com' }])).toEqual(['acme', 'globex', 'initech', 'umbrella']);
    expect(await accountIds([{ key: 'id', in: ['hooli', 'nope', 'acme'] }])).toEqual(['acme', 'hooli']);
  });

  it('compares numbers numerically, also given as numeric strings', async () => {
    expect(await accountIds([{ key: 'seats', gt: 25 }])).toEqual(['acme', 'hooli']);
    expect(await accountIds([{ key: 'seats', gte: 25 }])).toEqual(['acme', 'hooli', 'initech']);
    expect(await accountIds([{ key: 'seats', lt: 25 }])).toEqual(['globex']);
    expect(await accountIds([{ key: 'seats', lte: '10' }])).toEqual(['globex']);
    expect(await accountIds([{ key: 'mrr', eq: 900.5 }])).toEqual(['globex']);
    expect(await accountIds([{ key: 'seats', in: [10, 100] }])).toEqual(['globex', 'hooli']);
    expect(await accountIds([{ key: 'health', gte: 80 }])).toEqual(['acme', 'hooli']); // custom NUMBER field
  });

  it('compares date-times as instants (default and custom DATETIME fields)', async () => {
    expect(await accountIds([{ key: 'createdAt', gte: '2025-01-01' }])).toEqual(['acme', 'globex']);
    expect(await accountIds([{ key: 'createdAt', lt: '2025-01-01T00:00:00+00:00' }])).toEqual(['initech']);
    expect(await accountIds([{ key: 'createdAt', eq: '2025-01-15T01:00:00+01:00' }])).toEqual(['acme']);
    expect(await accountIds([{ key: 'renewal_at', lte: '2026-03-01T00:00:00Z' }])).toEqual(['globex']);
  });

  it('filters booleans, presence (exists, eq null) and combinations (AND)', async () => {
    expect(await accountIds([{ key: 'beta', eq: true }])).toEqual(['acme']);
    expect(await accountIds([{ key: 'beta', eq: 'false' }])).toEqual(['globex']);
    expect(await accountIds([{ key: 'mrr', exists: true }])).toEqual(['acme', 'globex', 'hooli']);
    expect(await accountIds([{ key: 'mrr', exists: false }])).toEqual(['initech', 'umbrella']);
    expect(await accountIds([{ key: 'lifecycle_stage', eq: null }])).toEqual(['hooli', 'umbrella']);
    expect(await accountIds([{ key: 'lifecycle_stage', notIn: ['customer'] }])).toEqual(['globex', 'hooli', 'umbrella']);
    expect(
      await accountIds([
        { key: 'region', eq: 'EMEA' },
        { key: 'plan', eq: 'pro' },
      ]),
    ).toEqual(['initech']);
  });

  it('filters users by their dimensions, including the account link', async () => {
    const res = await t.gql(`{
      a: users(filter: [{ key: "accountId", eq: "acme" }]) { nodes { id } }
      b: users(filter: [{ key: "role", eq: "admin" }, { key: "email", contains: "@hooli" }]) { nodes { id accountId } totalCount }
      c: users(filter: [{ key: "accountId", exists: false }]) { nodes { id } }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data?.a.nodes).toEqual([{ id: 'u1' }, { id: 'u2' }]);
    expect(res.data?.b).toEqual({ nodes: [{ id: 'u5', accountId: 'hooli' }], totalCount: 1 });
    expect(res.data?.c.nodes).toEqual([{ id: 'u6' }]);
  });

  it('refuses ill-typed comparisons, unknown keys and malformed filters with BAD_USER_INPUT', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ key: 'seats', gt: 'lots' }, /seats.*NUMBER.*number/],
      [{ key: 'region', gt: 5 }, /region.*STRING.*string/],
      [{ key: 'beta', gt: true }, /does not apply.*beta.*BOOLEAN/],
      [{ key: 'beta', eq: 'yes' }, /beta.*BOOLEAN/],
      [{ key: 'seats', contains: '1' }, /contains.*text fields/],
      [{ key: 'createdAt', gte: 'yesterday' }, /createdAt.*DATETIME/],
      [{ key: 'region', eq: 5 }, /region.*STRING/],
      [{ key: 'nope', eq: 'x' }, /Unknown dimension `nope`/],
      [{ key: 'region' }, /exactly one operator/],
      [{ key: 'region', eq: 'EMEA', neq: 'NA' }, /exactly one operator/],
    ];
    for (const [filter, message] of cases) {
      const error = await errorOf([filter]);
      expect(error.code, JSON.stringify(filter)).toBe('BAD_USER_INPUT');
      expect(error.message).toMatch(message);
    }
  });
});

describe('ordering and pagination', () => {
  const bySignIns = (direction = 'DESC') => ({
    direction,
    metric: { metric: { event: 'Signed In' }, window: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' } },
  });

  it('orders by a metric over a window, ties by ID, paginating without duplicates or gaps', async () => {
    // Signed In in January: acme 4 (u1 3 + u2 1), globex 3 (u3 2 + u4's explicit one), hooli 2 (eve,
    // attributed retroactively), initech 0 (its user's event names globex), umbrella 0.
    const pages = await allPages(bySignIns(), 2);
    expect(pages).toEqual([
      { ids: ['acme', 'globex'], values: [4, 3] },
      { ids: ['hooli', 'initech'], values: [2, 0] },
      { ids: ['umbrella'], values: [0] },
    ]);
    const ascending = await allPages(bySignIns('ASC'), 2);
    expect(ascending.flatMap((p) => p.ids)).toEqual(['initech', 'umbrella', 'hooli', 'globex', 'acme']);
  });

  it('orders by a metric over the last N days (accounts with the most Exported in 30 days)', async () => {
    const orderBy = { metric: { metric: { event: 'Exported' }, window: { lastDays: 30 } } };
    const pages = await allPages(orderBy, 10);
    // globex: 2 (yesterday, 2 days ago), initech: 1 (10 days ago); acme's export is 40 days old.
    expect(pages[0]).toEqual({ ids: ['globex', 'initech', 'acme', 'hooli', 'umbrella'], values: [2, 1, 0, 0, 0] });
  });

  it('orders by value metrics; aggregates without data (AVG, MAX, …) sort last', async () => {
    const orderBy = {
      direction: 'DESC',
      metric: { metric: { property: 'amount' }, aggregate: 'MAX', window: { from: '2026-01-01T00:00:00Z' } },
    };
    const pages = await allPages(orderBy, 2);
    expect(pages.flatMap((p) => p.ids)).toEqual(['hooli', 'acme', 'globex', 'initech', 'umbrella']);
    expect(pages.flatMap((p) => p.values)).toEqual([1000, 250, 40, null, null]);
  });

  it('orders by a numeric dimension (missing values last) and by a text dimension, across pages', async () => {
    const seats = await allPages({ dimension: 'seats', direction: 'ASC' }, 2);
    expect(seats.map((p) => p.ids)).toEqual([['globex', 'initech'], ['acme', 'hooli'], ['umbrella']]);
    const regions = await allPages({ dimension: 'region', direction: 'DESC' }, 1);
    expect(regions.flatMap((p) => p.ids)).toEqual(['globex', 'hooli', 'acme', 'initech', 'umbrella']);
    const lifecycle = await allPages({ dimension: 'lifecycle_stage', direction: 'ASC' }, 2);
    expect(lifecycle.flatMap((p) => p.ids)).toEqual(['acme', 'initech', 'globex', 'hooli', 'umbrella']);
  });

  it('keeps cursors stable while records are inserted concurrently', async () => {
    const first = await t.gql(ACCOUNT_IDS, { first: 2 });
    expect(first.data?.accounts.edges.map((e: any) => e.node.id)).toEqual(['acme', 'globex']);
    await send(t, UPSERT_ACCOUNTS, [
      { id: 'aardvark', name: 'Aardvark' },
      { id: 'zeta', name: 'Zeta' },
    ]);
    const rest = await t.gql(ACCOUNT_IDS, { first: 10, after: first.data?.accounts.pageInfo.endCursor });
    expect(rest.data?.accounts.edges.map((e: any) => e.node.id)).toEqual(['hooli', 'initech', 'umbrella', 'zeta']);
    expect(rest.data?.accounts.totalCount).toBe(7);
  });

  it('reports empty pages with null cursors, and refuses bad cursors and page sizes', async () => {
    const empty = await t.gql(ACCOUNT_IDS, { filter: [{ key: 'region', eq: 'Mars' }] });
    expect(empty.data?.accounts).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
    const cursor = (await t.gql(ACCOUNT_IDS, { first: 1 })).data?.accounts.pageInfo.endCursor;
    const otherOrdering = await t.gql(ACCOUNT_IDS, { after: cursor, orderBy: { dimension: 'seats' } });
    expect(otherOrdering.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.gql(ACCOUNT_IDS, { after: 'garbage' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.gql(ACCOUNT_IDS, { first: 0 })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.gql(ACCOUNT_IDS, { first: 501 })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const both = await t.gql(ACCOUNT_IDS, { orderBy: { dimension: 'seats', metric: bySignIns().metric } });
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badWindow = await t.gql(ACCOUNT_IDS, { orderBy: { metric: { metric: { event: 'Signed In' }, window: {} } } });
    expect(badWindow.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('account and user pages', () => {
  it('serves an account with typed fields, dimensions, users (paginated) and activity', async () => {
    const res = await t.gql(`{
      account(id: "acme") {
        id name plan region seats mrr arr createdAt domain
        dimensions dimension(key: "lifecycle_stage") health: dimension(key: "health") missing: dimension(key: "nope")
        users(first: 1) { totalCount nodes { id email role account { id } } pageInfo { hasNextPage endCursor } }
        lastActivityAt firstReceivedAt updatedAt
      }
      none: account(id: "nope") { id }
    }`);
    expect(res.errors).toBeUndefined();
    const a = res.data?.account;
    expect(a).toMatchObject({
      id: 'acme',
      name: 'Acme Corp',
      plan: 'enterprise',
      region: 'EMEA',
      seats: 50,
      mrr: 5000,
      arr: null,
      domain: null,
      createdAt: '2025-01-15T00:00:00.000Z',
      dimension: 'customer',
      health: 80,
      missing: null,
    });
    expect(a.dimensions).toMatchObject({ name: 'Acme Corp', seats: 50, lifecycle_stage: 'customer', beta: true });
    expect(a.users.totalCount).toBe(2);
    expect(a.users.nodes).toEqual([{ id: 'u1', email: 'ada@acme.com', role: 'admin', account: { id: 'acme' } }]);
    expect(a.users.pageInfo.hasNextPage).toBe(true);
    // u1's export 40 days ago is acme's latest activity.
    expect(TEST_NOW.getTime() - Date.parse(a.lastActivityAt)).toBeGreaterThan(39 * 86_400_000);
    expect(res.data?.none).toBeNull();

    const next = await t.gql(
      'query($after: String) { account(id: "acme") { users(first: 5, after: $after) { nodes { id } pageInfo { hasNextPage hasPreviousPage } } } }',
      {
        after: a.users.pageInfo.endCursor,
      },
    );
    expect(next.data?.account.users).toEqual({ nodes: [{ id: 'u2' }], pageInfo: { hasNextPage: false, hasPreviousPage: true } });
  });

  it("serves a user's events most recent first, paginated, optionally by name", async () => {
    const EVENTS = `query($after: String, $name: String) { user(id: "u1") {
      id email accountId account { name }
      events(first: 2, after: $after, name: $name) { totalCount nodes { name timestamp accountId properties } pageInfo { hasNextPage endCursor } }
    } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: GqlResponse = await t.gql(EVENTS, { after, name: null });
      expect(res.errors).toBeUndefined();
      expect(res.data?.user.events.totalCount).toBe(7);
      seen.push(...res.data?.user.events.nodes.map((e: any) => `${e.timestamp.slice(0, 16)} ${e.name}`));
      if (!res.data?.user.events.pageInfo.hasNextPage) break;
      after = res.data?.user.events.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(7);
    expect(seen.slice(1)).toEqual([
      '2026-01-15T12:00 Invoice Paid',
      '2026-01-05T08:00 Signed In',
      '2026-01-03T09:00 Report Created',
      '2026-01-02T12:00 Invoice Paid',
      '2026-01-01T23:30 Signed In',
      '2026-01-01T10:00 Signed In',
    ]);
    expect(seen[0]).toMatch(/Exported$/);

    const invoices = await t.gql(EVENTS, { name: 'Invoice Paid' });
    expect(invoices.data?.user.events.totalCount).toBe(2);
    expect(invoices.data?.user.events.nodes).toEqual([
      { name: 'Invoice Paid', timestamp: '2026-01-15T12:00:00.000Z', accountId: 'acme', properties: { amount: 250, currency: 'USD' } },
      { name: 'Invoice Paid', timestamp: '2026-01-02T12:00:00.000Z', accountId: 'acme', properties: { amount: 100, currency: 'USD' } },
    ]);
    expect(invoices.data?.user.account).toEqual({ name: 'Acme Corp' });
  });

  it("shows an event's explicit account, else its user's current account", async () => {
    const res = await t.gql(`{
      dee: user(id: "u4") { accountId events(name: "Signed In") { nodes { accountId } } }
      eve: user(id: "u5") { accountId events(name: "Signed In") { nodes { accountId } } }
      fay: user(id: "u6") { account { id } events { nodes { accountId } } }
    }`);
    expect(res.data?.dee).toEqual({ accountId: 'initech', events: { nodes: [{ accountId: 'globex' }] } });
    expect(res.data?.eve).toEqual({ accountId: 'hooli', events: { nodes: [{ accountId: 'hooli' }, { accountId: 'hooli' }] } });
    expect(res.data?.fay).toEqual({ account: null, events: { nodes: [{ accountId: null }] } });
  });

  it('requires the READ scope on every root query', async () => {
    const ingestOnly = await t.keyWithScopes(['INGEST']);
    for (const query of [
      '{ accounts { totalCount } }',
      '{ users { totalCount } }',
      '{ account(id: "acme") { id } }',
      '{ user(id: "u1") { id } }',
      '{ dimensions(object: ACCOUNT) { key } }',
      '{ dimensionBreakdown(object: ACCOUNT, key: "plan") { total } }',
      '{ metrics { name } }',
      '{ metricSeries(input: { metric: { event: "Signed In" }, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" }) { total } }',
    ]) {
      const res = await t.gql(query, {}, ingestOnly);
      expect(res.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    }
    const reader = await t.keyWithScopes(['READ']);
    expect((await t.gql('{ accounts { totalCount } }', {}, reader)).data?.accounts.totalCount).toBeGreaterThan(0);
  });
});
