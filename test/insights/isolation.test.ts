import { beforeAll, describe, expect, it } from 'vitest';
import { suiteApp } from '../support/harness.ts';
import { seedDataset, send, TRACK, UPSERT_ACCOUNTS, UPSERT_USERS } from './dataset.ts';

const t = suiteApp();
let b: string;
beforeAll(async () => {
  await seedDataset(t);
  b = (await t.newWorkspace('B')).adminKey;
  // B has one account with an ID that also exists in A, and its own events.
  await send(t, UPSERT_ACCOUNTS, [{ id: 'acme', name: 'Acme of B', region: 'LATAM', custom: { b_only: 'yes' } }], b);
  await send(t, UPSERT_USERS, [{ id: 'u1', email: 'other@b.example.com', accountId: 'acme' }], b);
  await send(t, TRACK, [{ name: 'B Event', userId: 'u1', timestamp: '2026-01-03T10:00:00Z', properties: { score: 7 } }], b);
});

describe('workspace isolation', () => {
  it("never shows A's accounts, users, events, metrics or dimensions to B", async () => {
    const res = await t.gql(
      `{
        accounts { totalCount nodes { id name region metric(metric: { event: "Signed In" }) users { totalCount nodes { id email } } } }
        users { totalCount nodes { id email events { totalCount nodes { name } } } }
        globex: account(id: "globex") { id }
        u3: user(id: "u3") { id }
        metrics { kind name total }
        dimensions(object: ACCOUNT) { key valueCount topValues { value } }
        region: dimensionBreakdown(object: ACCOUNT, key: "region") { total buckets { value count } }
        signIns: metricSeries(input: { metric: { event: "Signed In" }, from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", interval: MONTH }) { total metric { name } }
        scoped: metricSeries(input: { metric: { event: "Signed In" }, from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", interval: MONTH, scope: { accountId: "globex" } }) { total }
      }`,
      {},
      b,
    );
    expect(res.errors).toBeUndefined();
    const d = res.data!;
    expect(d.accounts).toEqual({
      totalCount: 1,
      nodes: [
        {
          id: 'acme',
          name: 'Acme of B',
          region: 'LATAM',
          metric: 0,
          users: { totalCount: 1, nodes: [{ id: 'u1', email: 'other@b.example.com' }] },
        },
      ],
    });
    expect(d.users).toEqual({
      totalCount: 1,
      nodes: [{ id: 'u1', email: 'other@b.example.com', events: { totalCount: 1, nodes: [{ name: 'B Event' }] } }],
    });
    expect(d.globex).toBeNull();
    expect(d.u3).toBeNull();
    expect(d.metrics).toEqual([
      { kind: 'COUNT', name: 'B Event', total: 1 },
      { kind: 'VALUE', name: 'score', total: 7 },
    ]);
    const dims = Object.fromEntries((d.dimensions as Array<any>).map((x) => [x.key, x]));
    expect(dims.lifecycle_stage).toBeUndefined();
    expect(dims.b_only).toMatchObject({ valueCount: 1 });
    expect(dims.region).toEqual({ key: 'region', valueCount: 1, topValues: [{ value: 'LATAM' }] });
    expect(d.region).toEqual({ total: 1, buckets: [{ value: 'LATAM', count: 1 }] });
    expect(d.signIns).toEqual({ total: 0, metric: null });
    expect(d.scoped).toEqual({ total: 0 });

    // And A does not see B's.
    const a = await t.gql('{ account(id: "acme") { name users { totalCount } } metrics(kind: VALUE) { name } }');
    expect(a.data?.account).toEqual({ name: 'Acme Corp', users: { totalCount: 2 } });
    expect(a.data?.metrics.map((m: { name: string }) => m.name)).not.toContain('score');
  });

  it("makes A's cursors useless to B: they position a page of B's own records at most", async () => {
    const page = await t.gql(
      '{ accounts(first: 1) { pageInfo { endCursor } } user(id: "u1") { events(first: 1) { pageInfo { endCursor } } } }',
    );
    const accountCursor = page.data?.accounts.pageInfo.endCursor;
    const eventCursor = page.data?.user.events.pageInfo.endCursor;
    const inB = await t.gql(
      'query($a: String, $e: String) { accounts(after: $a) { nodes { id name } } user(id: "u1") { events(after: $e) { nodes { name } } } }',
      { a: accountCursor, e: eventCursor },
      b,
    );
    expect(inB.errors).toBeUndefined();
    // A's first account is "acme"; after it B has nothing left, and nothing of A appears.
    expect(inB.data?.accounts.nodes).toEqual([]);
    expect(JSON.stringify(inB.data)).not.toMatch(/Globex|Hooli|Signed In|Exported/);
  });
});
