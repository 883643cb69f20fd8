import { beforeAll, describe, expect, it } from 'vitest';
import { suiteApp, TEST_NOW } from '../support/harness.ts';
import { send, TRACK, UPSERT_ACCOUNTS, UPSERT_USERS } from './dataset.ts';

// 60 accounts × 3 users × 2 events: enough for a 50-account page whose nested fields would cost
// hundreds of statements if any of them were resolved per record.
const t = suiteApp();
beforeAll(async () => {
  const accounts = Array.from({ length: 60 }, (_, i) => ({
    id: `a${String(i).padStart(2, '0')}`,
    name: `Account ${i}`,
    region: i % 2 ? 'EMEA' : 'NA',
    seats: i,
  }));
  const users = accounts.flatMap((a, i) =>
    [0, 1, 2].map((j) => ({ id: `${a.id}-u${j}`, email: `u${j}@a${i}.example.com`, accountId: a.id })),
  );
  const events = users.flatMap((u, i) => [
    {
      name: 'Signed In',
      userId: u.id,
      timestamp: new Date(TEST_NOW.getTime() - (i % 20) * 86_400_000).toISOString(),
      properties: { seconds: i },
    },
    { name: 'Signed In', userId: u.id, timestamp: '2026-01-05T10:00:00Z', properties: { seconds: 1 } },
  ]);
  await send(t, UPSERT_ACCOUNTS, accounts);
  await send(t, UPSERT_USERS, users);
  await send(t, TRACK, events);
});

const NESTED = `query($n: Int!) {
  accounts(first: $n, filter: [{ key: "seats", gte: 0 }], orderBy: { metric: { metric: { event: "Signed In" }, window: { lastDays: 30 } } }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor orderValue node {
      id name region lastActivityAt dimension(key: "seats")
      signIns: metric(metric: { event: "Signed In" }, window: { lastDays: 30 })
      seconds: metric(metric: { property: "seconds" }, aggregate: AVG)
      metricSeries(metric: { event: "Signed In" }, from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", interval: WEEK) {
        total points { start value } metric { name total }
      }
      users(first: 20) {
        totalCount
        nodes {
          id email lastActivityAt account { id name }
          metric(metric: { event: "Signed In" }, aggregate: COUNT)
          metricSeries(metric: { event: "Signed In" }, from: "2026-01-01T00:00:00Z", to: "2026-01-08T00:00:00Z", aggregate: UNIQUE_USERS) { total }
          events(first: 2) { totalCount nodes { id name accountId } }
        }
      }
    } }
  }
  dimensions(object: ACCOUNT) { key coverage distinctCount topValues(limit: 3) { value count } numericStats { avg } }
}`;

async function statementsFor(query: string, variables: Record<string, unknown>) {
  const before = t.database.stats.statements;
  const res = await t.gql(query, variables);
  expect(res.errors).toBeUndefined();
  return { statements: t.database.stats.statements - before, data: res.data };
}

describe('statement count', () => {
  it('resolves a nested page with a constant number of statements, whatever the page size', async () => {
    await t.gql('{ __typename }'); // authenticates once, so the throttled key touch is not counted below
    const baseline = (await statementsFor('{ __typename }', {})).statements;
    // The first ranking over a standard window creates its maintained totals (once per window and day).
    await statementsFor(NESTED, { n: 1 });
    const small = await statementsFor(NESTED, { n: 5 });
    const large = await statementsFor(NESTED, { n: 50 });

    const edges = large.data?.accounts.edges as Array<any>;
    expect(edges).toHaveLength(50);
    expect(edges.every((e) => e.node.users.nodes.length === 3 && e.node.users.totalCount === 3)).toBe(true);
    expect(edges.every((e) => e.node.users.nodes.every((u: any) => u.account.id === e.node.id && u.events.nodes.length === 2))).toBe(true);
    expect(edges.every((e) => e.node.metricSeries.total === 3)).toBe(true);
    expect(edges.every((e) => e.orderValue === e.node.signIns)).toBe(true);

    const own = (n: number) => n - baseline;
    console.log(`statements: baseline ${baseline}, page of 5: ${own(small.statements)}, page of 50: ${own(large.statements)}`);
    expect(own(large.statements)).toBe(own(small.statements));
    expect(own(large.statements)).toBeLessThanOrEqual(20);
  });

  it("counts a filtered first page's totalCount in the page's own statement, and later pages' apart, alike", async () => {
    const page = (select: string) => `query($after: String) {
      accounts(first: 4, after: $after, filter: [{ key: "region", eq: "EMEA" }], measureFilter: [{ measure: ACTIVITY, gte: 1 }],
        orderBy: { dimension: "seats", direction: DESC }) { ${select} pageInfo { endCursor } edges { node { id } } }
    }`;
    await statementsFor(page(''), { after: null }); // (makes the activity windows)
    const without = await statementsFor(page(''), { after: null });
    const withTotal = await statementsFor(page('totalCount'), { after: null });
    expect(withTotal.statements).toBe(without.statements);
    // 30 EMEA accounts (odd indexes), each with activity in the last 30 days.
    expect(withTotal.data?.accounts.totalCount).toBe(30);
    const next = await statementsFor(page('totalCount'), { after: withTotal.data?.accounts.pageInfo.endCursor });
    expect(next.data?.accounts.totalCount).toBe(30);
    expect(next.statements).toBe(without.statements + 1);
    // Filtered to nothing: zero, from the empty page.
    const none = await t.gql(
      `{ accounts(first: 4, filter: [{ key: "region", eq: "APAC" }], orderBy: { dimension: "seats" }) { totalCount } }`,
    );
    expect(none.data?.accounts.totalCount).toBe(0);
  });
});
