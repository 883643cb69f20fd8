import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';

// Limits are checked after validation and before execution: a refused operation has no effect
// (proved with a mutation that would create a key) and names the limit and the actual value.

const LIST_KEYS = '{ apiKeys(includeRevoked: true) { id name } }';

/** `{ accounts(first: 1) { nodes { users(first: 1) { nodes { account { users … } } } } } }`, at least `levels` deep, cheap. */
function deepQuery(levels: number): string {
  let body = 'id';
  let depth = 3; // accounts > nodes > … > id
  while (depth < levels) {
    body = `users(first: 1) { nodes { account { ${body} } } }`;
    depth += 3;
  }
  return `{ accounts(first: 1) { nodes { ${body} } } }`;
}

let t: TestApp;
let tight: TestApp;
let sized: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  sized = await createTestApp({ GRAPHQL_MAX_COST: '30', GRAPHQL_MAX_POINTS: '25' });
  tight = await createTestApp({
    GRAPHQL_MAX_DEPTH: '3',
    GRAPHQL_MAX_ALIASES: '1',
    GRAPHQL_MAX_COST: '30',
    GRAPHQL_MAX_TOKENS: '200',
    GRAPHQL_INTROSPECTION: 'false',
    GRAPHQL_MAX_BATCH: '3',
  });
});
afterAll(async () => {
  await t?.close();
  await tight?.close();
  await sized?.close();
});

describe('GraphQL limits (defaults)', () => {
  it('refuses a query nested deeper than 15 with QUERY_TOO_DEEP, limit and actual depth', async () => {
    const res = await t.gql(deepQuery(20));
    expect(res.status).toBe(400);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', limit: 15 });
    expect(res.errors?.[0]?.extensions?.actual).toBeGreaterThan(15);
    expect(res.errors?.[0]?.message).toMatch(/at most 15/);
  });

  it('refuses more than 50 aliases with TOO_MANY_ALIASES, before anything runs', async () => {
    const before = (await t.gql(LIST_KEYS)).data?.apiKeys.length;
    const fields = Array.from({ length: 51 }, (_, i) => `k${i}: createApiKey(input: { name: "alias ${i}", scopes: [READ] }) { secret }`);
    const res = await t.gql(`mutation { ${fields.join(' ')} }`);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'TOO_MANY_ALIASES', limit: 50, actual: 51 });
    expect((await t.gql(LIST_KEYS)).data?.apiKeys.length).toBe(before);
  });

  it('accounts for page sizes in the cost: nested pages of 500 are refused, small ones pass', async () => {
    const query = 'query($n: Int) { accounts(first: $n) { nodes { id users(first: $n) { nodes { id account { id } } } } } }';
    const costly = await t.gql(query, { n: 500 });
    expect(costly.status).toBe(400);
    expect(costly.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', limit: 50_000 });
    expect(costly.errors?.[0]?.extensions?.actual).toBeGreaterThan(50_000);

    const literal = await t.gql('{ accounts(first: 500) { edges { node { users(first: 500) { totalCount nodes { id } } } } } }');
    expect(literal.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');

    const cheap = await t.gql(query, { n: 5 });
    expect(cheap.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('QUERY_TOO_COSTLY');
  });

  it('stays bounded on fragments spread exponentially', async () => {
    const fragments = ['fragment F0 on Query { viewer { workspace { id } } }'];
    for (let i = 1; i <= 24; i++) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
    const res = await t.gql(`{ ...F24 } ${fragments.join(' ')}`);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
  });

  it('lets the full introspection query (GraphiQL) through by default', async () => {
    const res = await t.gql(getIntrospectionQuery({ inputValueDeprecation: true, descriptions: true, specifiedByUrl: true }));
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data?.__schema.queryType.name).toBe('Query');
  });

  it('refuses batched (array) requests with a clean 400 when batching is off', async () => {
    const response = await t.server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}` },
      payload: JSON.stringify([{ query: '{ viewer { scopes } }' }, { query: '{ viewer { scopes } }' }]),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].extensions.code).toBe('BAD_REQUEST');
  });
});

describe('GraphQL limits (configured through the environment)', () => {
  it('applies GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_ALIASES and GRAPHQL_MAX_COST', async () => {
    expect((await tight.gql('{ viewer { workspace { id } } }')).errors).toBeUndefined();
    const deep = await tight.gql('{ viewer { apiKey { id } } accounts(first: 1) { nodes { users(first: 1) { nodes { id } } } } }');
    expect(deep.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_DEEP', limit: 3, actual: 4 });

    expect((await tight.gql('{ me: viewer { scopes } }')).errors).toBeUndefined();
    const aliases = await tight.gql('{ a: viewer { scopes } b: viewer { scopes } }');
    expect(aliases.errors?.[0]?.extensions).toEqual({ code: 'TOO_MANY_ALIASES', limit: 1, actual: 2 });

    // accounts (1) + 20 × (edges 1 + node 1) > 30; with first: 10 it is 1 + 10 × 2 = 21.
    const costly = await tight.gql('{ accounts { edges { node { id } } } }');
    expect(costly.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', limit: 30 });
    expect((await tight.gql('{ accounts(first: 10) { edges { node { id } } } }')).errors?.[0]?.extensions?.code).not.toBe(
      'QUERY_TOO_COSTLY',
    );
  });

  it('bounds the document size in tokens (GRAPHQL_MAX_TOKENS)', async () => {
    const res = await tight.gql(`{ ${Array.from({ length: 60 }, () => 'viewer { scopes }').join(' ')} }`);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/tokens/);
  });

  it('refuses introspection when GRAPHQL_INTROSPECTION=false but still answers __typename', async () => {
    const res = await tight.gql('{ __schema { queryType { name } } }');
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/introspection/i);
    const typename = await tight.gql('{ __typename }');
    expect(typename.data).toEqual({ __typename: 'Query' });
  });

  it('answers batches of up to GRAPHQL_MAX_BATCH operations and refuses larger ones with 413', async () => {
    const send = (n: number) =>
      tight.server.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tight.adminKey}` },
        payload: JSON.stringify(Array.from({ length: n }, () => ({ query: '{ viewer { scopes } }' }))),
      });
    const ok = await send(3);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual(Array.from({ length: 3 }, () => ({ data: { viewer: { scopes: ['INGEST', 'READ', 'ADMIN'] } } })));
    const tooMany = await send(4);
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().errors[0].extensions).toEqual({ code: 'BATCH_TOO_LARGE', maximum: 3, received: 4 });
  });
});

const TEN_YEARS = 'from: "2015-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z", timeZone: "Europe/Berlin"';

describe('GraphQL limits: series sizes and null page sizes', () => {
  it('refuses the over-wide queries: 500 accounts × ten years of days, and nested users(first: 20)', async () => {
    const flat = await t.gql(
      `{ accounts(first: 500) { nodes { metricSeries(metric: { event: "Signed In" }, ${TEN_YEARS}) { points { value } } } } }`,
    );
    expect(flat.status).toBe(400);
    expect(flat.data ?? null).toBeNull();
    // 3,653 days from 2015 to 2025, plus one for the time zone's shift of the edges.
    expect(flat.errors?.[0]?.extensions).toEqual({ code: 'TOO_MANY_POINTS', limit: 20_000, actual: 500 * 3654 });
    expect(flat.errors?.[0]?.message).toMatch(/at most 20000.*larger `interval`/);

    const nested = await t.gql(
      `{ accounts(first: 500) { nodes { users(first: 20) { nodes { metricSeries(metric: { event: "Signed In" }, ${TEN_YEARS}) { points { value } } } } } } }`,
    );
    expect(nested.status).toBe(400);
    expect(nested.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_POINTS', actual: 500 * 20 * 3654 });
  });

  it('prices `first: null` and an unset variable at the schema default (20), as the resolver uses it', async () => {
    // accounts (1) + 20 edges + 20 nodes = 41 > 30; the old pricing took null as 1 (cost 3).
    for (const [query, variables] of [
      ['{ accounts(first: null) { edges { node { id } } } }', {}],
      ['query($n: Int) { accounts(first: $n) { edges { node { id } } } }', {}],
      ['query($n: Int) { accounts(first: $n) { edges { node { id } } } }', { n: null }],
      ['query($n: Int = null) { accounts(first: $n) { edges { node { id } } } }', {}],
    ] as const) {
      const res = await sized.gql(query, variables);
      expect(res.status, query).toBe(400);
      expect(res.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COSTLY', limit: 30, actual: 41 });
    }
    const small = await sized.gql('query($n: Int) { accounts(first: $n) { edges { node { id } } } }', { n: 5 });
    expect(small.errors).toBeUndefined();
  });

  it('prices a series by its buckets between from and to at its interval (literals and variables)', async () => {
    const series = (interval: string) =>
      `{ metricSeries(input: { metric: { event: "x" }, from: "2026-01-01T00:00:00Z", to: "2026-01-31T00:00:00Z", interval: ${interval} }) { points { value } } }`;
    // 30 days: 30 points > GRAPHQL_MAX_POINTS = 25.
    const daily = await sized.gql(series('DAY'));
    expect(daily.status).toBe(400);
    expect(daily.errors?.[0]?.extensions).toEqual({ code: 'TOO_MANY_POINTS', limit: 25, actual: 30 });
    const nullInterval = await sized.gql(series('null'));
    expect(nullInterval.errors?.[0]?.extensions?.code).toBe('TOO_MANY_POINTS');
    const weekly = await sized.gql(series('WEEK'));
    expect(weekly.errors).toBeUndefined();
    expect(weekly.data?.metricSeries.points.length).toBeLessThanOrEqual(6);

    const withVariables = await sized.gql(
      'query($from: DateTime!, $to: DateTime!, $i: Interval) { metricSeries(input: { metric: { event: "x" }, from: $from, to: $to, interval: $i }) { points { value } } }',
      { from: '2026-01-01T00:00:00Z', to: '2026-01-31T00:00:00Z' },
    );
    expect(withVariables.errors?.[0]?.extensions).toEqual({ code: 'TOO_MANY_POINTS', limit: 25, actual: 30 });

    // Priced in the series' own zone: 25 UTC days are 26 Berlin days (the last hour is the 26th).
    const zoned = (timeZone: string) =>
      `{ metricSeries(input: { metric: { event: "x" }, from: "2026-01-01T00:00:00Z", to: "2026-01-26T00:00:00Z", timeZone: "${timeZone}" }) { points { value } } }`;
    expect((await sized.gql(zoned('UTC'))).errors).toBeUndefined();
    expect((await sized.gql(zoned('Europe/Berlin'))).errors?.[0]?.extensions).toEqual({ code: 'TOO_MANY_POINTS', limit: 25, actual: 26 });
  });

  it('adds up the points of every series in the response, multiplied by the enclosing pages', async () => {
    const query = (first: number) =>
      `{ accounts(first: ${first}) { nodes { metricSeries(metric: { event: "x" }, from: "2026-01-01T00:00:00Z", to: "2026-01-11T00:00:00Z") { points { value } } } } }`;
    // 2 × 10 points = 20 ≤ 25, cost 1 + 2 + 2 + 20 = 25 ≤ 30.
    expect((await sized.gql(query(2))).errors).toBeUndefined();
    expect((await sized.gql(query(3))).errors?.[0]?.extensions).toEqual({ code: 'TOO_MANY_POINTS', limit: 25, actual: 30 });
  });
});
