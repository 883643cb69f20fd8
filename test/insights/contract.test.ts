import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, suiteApp, type TestApp } from '../support/harness.ts';

// The GraphQL contract a frontend codes against: "no data" is null (not 0) for AVG/MIN/MAX/LAST,
// counts and sums stay 0; required fields are non-null; cached objects carry a stable `id`.

describe('GraphQL contract', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const accounts = await t.gql('mutation($r: [AccountInput]!) { upsertAccounts(input: { records: $r }) { rejected } }', {
      r: [{ id: 'a1', name: 'Acme', seats: 5, custom: { tier: 'gold' } }],
    });
    expect(accounts.data?.upsertAccounts.rejected).toBe(0);
    const users = await t.gql('mutation($r: [UserInput]!) { upsertUsers(input: { records: $r }) { rejected } }', {
      r: [
        { id: 'u1', email: 'u1@acme.test', accountId: 'a1' },
        { id: 'u2', email: 'u2@acme.test', accountId: 'a1' },
      ],
    });
    expect(users.data?.upsertUsers.rejected).toBe(0);
    const events = await t.gql('mutation($r: [EventInput]!) { trackEvents(input: { records: $r }) { rejected } }', {
      r: [
        { name: 'Invoice Paid', timestamp: '2026-03-02T10:00:00Z', userId: 'u1', accountId: 'a1', properties: { amount: 10 } },
        { name: 'Invoice Paid', timestamp: '2026-03-04T10:00:00Z', userId: 'u1', accountId: 'a1', properties: { amount: 30 } },
      ],
    });
    expect(events.data?.trackEvents.rejected).toBe(0);
  });
  afterAll(async () => {
    await t?.close();
  });

  const series = (metric: object, aggregate: string) =>
    t.gql('query($i: MetricSeriesInput!) { metricSeries(input: $i) { points { value } total } }', {
      i: { metric, from: '2026-03-02T00:00:00Z', to: '2026-03-05T00:00:00Z', aggregate },
    });

  it('series: buckets without data are null for AVG/MIN/MAX/LAST, 0 for COUNT/UNIQUE_*/SUM', async () => {
    const values = async (metric: object, aggregate: string) => {
      const res = await series(metric, aggregate);
      expect(res.errors).toBeUndefined();
      return res.data?.metricSeries.points.map((p: { value: number | null }) => p.value);
    };
    const amount = { property: 'amount' };
    expect(await values(amount, 'AVG')).toEqual([10, null, 30]);
    expect(await values(amount, 'MIN')).toEqual([10, null, 30]);
    expect(await values(amount, 'MAX')).toEqual([10, null, 30]);
    expect(await values(amount, 'LAST')).toEqual([10, null, 30]);
    expect(await values(amount, 'SUM')).toEqual([10, 0, 30]);
    expect(await values(amount, 'COUNT')).toEqual([1, 0, 1]);
    expect(await values({ event: 'Invoice Paid' }, 'UNIQUE_USERS')).toEqual([1, 0, 1]);
    expect((await series(amount, 'AVG')).data?.metricSeries.total).toBe(20);
  });

  it('record metric: null without data for AVG/MIN/MAX/LAST, 0 for counts and sums', async () => {
    const res = await t.gql(`{
      user(id: "u2") {
        avg: metric(metric: { property: "amount" }, aggregate: AVG)
        min: metric(metric: { property: "amount" }, aggregate: MIN)
        last: metric(metric: { property: "amount" }, aggregate: LAST)
        sum: metric(metric: { property: "amount" }, aggregate: SUM)
        count: metric(metric: { event: "Invoice Paid" })
      }
      account(id: "a1") {
        min: metric(metric: { property: "amount" }, aggregate: MIN)
        none: metric(metric: { property: "amount" }, aggregate: MIN, window: { from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" })
      }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data?.user).toEqual({ avg: null, min: null, last: null, sum: 0, count: 0 });
    expect(res.data?.account).toEqual({ min: 10, none: null });
  });

  it('Account.name and User.email are non-null', async () => {
    const res = await t.gql(`{
      account: __type(name: "Account") { fields { name type { kind } } }
      user: __type(name: "User") { fields { name type { kind } } }
      a1: account(id: "a1") { name users { nodes { email } } }
    }`);
    const kind = (type: string, field: string) => res.data?.[type].fields.find((f: { name: string }) => f.name === field).type.kind;
    expect(kind('account', 'name')).toBe('NON_NULL');
    expect(kind('user', 'email')).toBe('NON_NULL');
    expect(res.data?.a1.name).toBe('Acme');
    expect(res.data?.a1.users.nodes.map((u: { email: string }) => u.email).sort()).toEqual(['u1@acme.test', 'u2@acme.test']);
    // Neither can be emptied: an update clearing them is refused.
    const clear = await t.gql(
      'mutation { upsertAccounts(input: { records: [{ id: "a1", name: null }] }) { results { status errors { code } } } }',
    );
    expect(clear.data?.upsertAccounts.results[0]).toEqual({ status: 'REJECTED', errors: [{ code: 'REQUIRED' }] });
    const blank = await t.gql(
      'mutation { upsertUsers(input: { records: [{ id: "u1", email: "  " }] }) { results { status errors { code } } } }',
    );
    expect(blank.data?.upsertUsers.results[0]).toEqual({ status: 'REJECTED', errors: [{ code: 'REQUIRED' }] });
  });

  it('Dimension and Metric have stable, unique ids', async () => {
    const query = '{ dimensions(object: ACCOUNT) { id key } users: dimensions(object: USER) { id key } metrics { id kind name } }';
    const [first, second] = [await t.gql(query), await t.gql(query)];
    expect(first.errors).toBeUndefined();
    const ids = (res: typeof first) => [...res.data?.dimensions, ...res.data?.users, ...res.data?.metrics].map((x: { id: string }) => x.id);
    expect(ids(first)).toEqual(ids(second));
    expect(new Set(ids(first)).size).toBe(ids(first).length);
    expect(first.data?.dimensions.find((d: { key: string }) => d.key === 'tier')).toBeTruthy();
    expect(first.data?.metrics.map((m: { kind: string }) => m.kind).sort()).toEqual(['COUNT', 'VALUE']);
  });
});

describe('one mutation style and one UserError interface', () => {
  const t = suiteApp();

  it('key management takes an input object and reports MutationError, a UserError', async () => {
    const res = await t.gql(`mutation {
      rotateApiKey(input: { id: "nope" }) { userErrors { __typename path message code } }
      revokeApiKey(input: { id: "nope" }) { userErrors { ... on UserError { path message } } }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data?.rotateApiKey.userErrors).toEqual([
      { __typename: 'MutationError', path: ['input', 'id'], message: expect.any(String), code: 'NOT_FOUND' },
    ]);
    expect(res.data?.revokeApiKey.userErrors).toEqual([{ path: ['input', 'id'], message: expect.any(String) }]);
  });

  it('record errors implement UserError with a record-relative path', async () => {
    const res = await t.gql(
      `mutation($r: [AccountInput]!) {
        upsertAccounts(input: { records: $r }) { results { errors { __typename ... on UserError { path message } field code } } }
      }`,
      { r: [{ id: 'a1', seats: 'many', custom: { '$bad.key': 1 } }] },
    );
    expect(res.errors).toBeUndefined();
    const errors = res.data?.upsertAccounts.results[0].errors;
    expect(errors.every((e: { __typename: string }) => e.__typename === 'RecordError')).toBe(true);
    expect(errors.map((e: { path: string[]; field: string }) => [e.field, e.path])).toEqual(
      expect.arrayContaining([
        ['seats', ['seats']],
        ['custom.$bad.key', ['custom', '$bad.key']],
      ]),
    );
  });
});
