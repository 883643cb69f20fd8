import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { suiteApp, TEST_NOW } from '../support/harness.ts';
import { seedDataset, send, TRACK } from './dataset.ts';

// The requests of docs/graphql.md, run for real on the hand-built dataset. `DOCS_OUT=file` writes
// their responses so the document can show genuine output.

const DAY = 86_400_000;
const now = TEST_NOW.getTime();
const daysAgo = (n: number, hour = 9) => {
  const d = new Date(now - n * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};

const EXAMPLES = {
  dimensionsOverview: {
    query: `query DimensionsOverview {
  dimensions(object: ACCOUNT) {
    key
    label
    type
    semantic
    isDefault
    coverage
    distinctCount
    topValues(limit: 3) { value count }
    numericStats { min max avg }
  }
  metrics { kind name label total uniqueUsers uniqueAccounts lastSeenAt }
}`,
    variables: {},
  },
  accountsTable: {
    query: `query AccountsTable($filter: [DimensionFilter!], $after: String) {
  accounts(
    first: 3
    after: $after
    filter: $filter
    orderBy: { metric: { metric: { event: "Signed In" }, window: { lastDays: 30 } }, direction: DESC }
  ) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      orderValue
      node {
        id name plan region seats mrr
        activeUsers: metric(metric: { event: "Signed In" }, window: { lastDays: 30 }, aggregate: UNIQUE_USERS)
        lastActivityAt
      }
    }
  }
}`,
    variables: {
      filter: [
        { key: 'region', in: ['EMEA', 'NA'] },
        { key: 'plan', in: ['enterprise', 'pro'] },
      ],
    },
  },
  accountPage: {
    query: `query AccountPage($id: ID!, $from: DateTime!, $to: DateTime!) {
  account(id: $id) {
    id name domain plan region seats mrr createdAt
    dimensions
    lastActivityAt
    signIns30: metric(metric: { event: "Signed In" }, window: { lastDays: 30 })
    users(first: 10) {
      totalCount
      nodes {
        id name email role lastActivityAt
        signIns30: metric(metric: { event: "Signed In" }, window: { lastDays: 30 })
      }
    }
    chart: metricSeries(metric: { event: "Signed In" }, from: $from, to: $to, interval: WEEK) {
      total
      points { start value }
    }
  }
}`,
    variables: { id: 'acme', from: daysAgo(28, 0), to: new Date(now).toISOString() },
  },
  userPage: {
    query: `query UserPage($id: ID!, $after: String) {
  user(id: $id) {
    id name email title role createdAt lastActivityAt
    account { id name plan }
    events(first: 3, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { name timestamp accountId properties }
    }
  }
}`,
    variables: { id: 'u1' },
  },
} as const;

const t = suiteApp();
beforeAll(async () => {
  await seedDataset(t);
  await send(t, TRACK, [
    { name: 'Signed In', userId: 'u1', timestamp: daysAgo(1) },
    { name: 'Signed In', userId: 'u1', timestamp: daysAgo(3) },
    { name: 'Signed In', userId: 'u2', timestamp: daysAgo(8) },
    { name: 'Signed In', userId: 'u3', timestamp: daysAgo(2) },
    { name: 'Signed In', userId: 'u5', timestamp: daysAgo(1, 10) },
    { name: 'Signed In', userId: 'u5', timestamp: daysAgo(4) },
    { name: 'Signed In', userId: 'u5', timestamp: daysAgo(12) },
    { name: 'Signed In', userId: 'u4', timestamp: daysAgo(45) },
  ]);
});

describe('docs/graphql.md examples', () => {
  it('answer in one request each, without errors', async () => {
    const out: Record<string, unknown> = {};
    for (const [name, example] of Object.entries(EXAMPLES)) {
      const before = t.database.stats.statements;
      const res = await t.gql(example.query, example.variables);
      expect(res.errors, name).toBeUndefined();
      out[name] = { variables: example.variables, data: res.data, statements: t.database.stats.statements - before };
    }
    const data = (name: string) => (out[name] as { data: any }).data;
    expect(data('accountsTable').accounts.edges.map((e: any) => [e.node.id, e.orderValue])).toEqual([
      ['acme', 3], // ties break by ID
      ['hooli', 3],
      ['globex', 1],
    ]);
    expect(data('accountPage').account.users.nodes.map((u: any) => [u.id, u.signIns30])).toEqual([
      ['u1', 2],
      ['u2', 1],
    ]);
    expect(data('userPage').user.events.totalCount).toBe(9);
    if (process.env.DOCS_OUT) writeFileSync(process.env.DOCS_OUT, JSON.stringify(out, null, 2));
  });
});
