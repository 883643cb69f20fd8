import { type SQL, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DimensionStats } from '../../src/catalog/models.ts';
import { maintainedStats, maintainedTopValues } from '../../src/catalog/statistics.ts';
import { jsonParam, type Queryable, rows } from '../../src/db/client.ts';
import { DELETE_ACCOUNTS, DELETE_USERS, UPSERT_ACCOUNTS, UPSERT_USERS } from '../ingest/fragments.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

// Catalog statistics of accounts and users are maintained at write time (src/catalog/statistics.ts).
// They must always equal a recount from the raw rows: the scans the catalog used to run.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

type Kind = 'ACCOUNT' | 'USER';
const TABLE: Record<Kind, SQL> = { ACCOUNT: sql.raw('accounts'), USER: sql.raw('users') };

/** The maintained value counts and summaries, and the same recounted by scanning every record. */
async function compare(workspaceId: string, object: Kind) {
  const db = t.database.db;
  const values = (q: SQL) => rows<{ key: string; value: string; count: number }>(db, q);
  const maintainedValues = await values(sql`
    select key, value::text as value, count::int as count from field_values
    where workspace_id = ${workspaceId} and object = ${object} order by key, value::text`);
  const recountedValues = await values(sql`
    select e.key, e.value::text as value, count(*)::int as count
    from ${TABLE[object]} t cross join lateral jsonb_each(t.dims) as e(key, value)
    where t.workspace_id = ${workspaceId} and e.key <> 'id' and jsonb_typeof(e.value) <> 'null'
    group by e.key, e.value order by 1, 2`);
  const summaries = (q: SQL) => rows<{ key: string; records: number; distinct: number; numbers: number; sum: string | null }>(db, q);
  const maintainedSummary = await summaries(sql`
    select key, records::int as records, distinct_values::int as "distinct", numbers::int as numbers,
      case when numbers > 0 then number_sum::text end as sum
    from field_stats where workspace_id = ${workspaceId} and object = ${object} and records <> 0 order by key`);
  const recountedSummary = await summaries(sql`
    select key, records, "distinct", numbers, sum from (
      select e.key, count(*)::int as records, count(distinct e.value)::int as "distinct",
        count(*) filter (where jsonb_typeof(e.value) = 'number')::int as numbers,
        (sum(case when jsonb_typeof(e.value) = 'number' then (e.value)::numeric end))::text as sum
      from ${TABLE[object]} t cross join lateral jsonb_each(t.dims) as e(key, value)
      where t.workspace_id = ${workspaceId} and e.key <> 'id' and jsonb_typeof(e.value) <> 'null'
      group by e.key
      union all
      select 'id', count(*)::int, count(*)::int, 0, null from ${TABLE[object]} where workspace_id = ${workspaceId}
    ) as s where records <> 0 order by key`);
  // Sums compare as numbers: a maintained sum may carry a larger scale (1.5 added, then removed: 0.0).
  const normalize = (list: typeof maintainedSummary) => list.map((s) => ({ ...s, sum: s.sum === null ? null : Number(s.sum) }));
  return {
    maintained: { values: maintainedValues, summary: normalize(maintainedSummary) },
    recounted: { values: recountedValues, summary: normalize(recountedSummary) },
  };
}

/** The catalog's answers through GraphQL against the scans the resolvers used to run (topValues order included). */
async function compareReads(workspaceId: string, object: Kind) {
  const keys = (
    await rows<{ key: string }>(
      t.database.db,
      sql`select distinct e.key from ${TABLE[object]} t cross join lateral jsonb_each(t.dims) as e(key, value)
          where t.workspace_id = ${workspaceId} union select 'id' order by 1`,
    )
  ).map((r) => r.key);
  const maintainedTop = await maintainedTopValues(t.database.db, workspaceId, object, keys, 3);
  const document = sql.raw(`t.dims || jsonb_build_object('id', t.id)`);
  const scannedTop = await rows<{ key: string; value: string; count: number }>(
    t.database.db,
    sql`
      select key, value::text as value, count from (
        select e.key, e.value, count(*)::int as count,
          row_number() over (partition by e.key order by count(*) desc, e.value) as rank
        from ${TABLE[object]} t cross join lateral jsonb_each(${document}) as e(key, value)
        where t.workspace_id = ${workspaceId} and jsonb_typeof(e.value) in ('string', 'number', 'boolean')
        group by e.key, e.value
      ) as ranked where rank <= 3 order by key, rank`,
  );
  const expectedTop = new Map<string, Array<{ value: unknown; count: number }>>();
  for (const r of scannedTop) expectedTop.set(r.key, [...(expectedTop.get(r.key) ?? []), { value: JSON.parse(r.value), count: r.count }]);
  expect(Object.fromEntries(maintainedTop)).toEqual(Object.fromEntries(expectedTop));

  const stats = await maintainedStats(t.database.db, workspaceId, object, keys);
  const scanned = await rows<{ key: string } & DimensionStats>(
    t.database.db,
    sql`
      select k.key, (select count(*)::int from ${TABLE[object]} where workspace_id = ${workspaceId}) as total,
        coalesce(s.value_count, 0)::int as "valueCount", coalesce(s.distinct_count, 0)::int as "distinctCount",
        s.min::float8 as min, s.max::float8 as max, s.avg::float8 as avg
      from jsonb_array_elements_text(${jsonParam(keys)}) as k(key)
      left join (
        select e.key, count(*) as value_count, count(distinct e.value) as distinct_count,
          min(x.n) as min, max(x.n) as max, avg(x.n) as avg
        from ${TABLE[object]} t
        cross join lateral jsonb_each(${document}) as e(key, value)
        cross join lateral (select case when jsonb_typeof(e.value) = 'number' then e.value::numeric end as n) as x
        where t.workspace_id = ${workspaceId} and jsonb_typeof(e.value) <> 'null'
        group by e.key
      ) as s on s.key = k.key`,
  );
  for (const row of scanned) {
    const got = stats.get(row.key);
    expect(got, row.key).toMatchObject({
      total: row.total,
      valueCount: row.valueCount,
      distinctCount: row.distinctCount,
      min: row.min,
      max: row.max,
    });
    if (row.avg === null) expect(got?.avg).toBeNull();
    else expect(got?.avg).toBeCloseTo(row.avg, 9);
  }
}

const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e');
// Values chosen to collide: "1" and 1 are different values, 1 and 1.0 the same, null clears.
const value = fc.constantFrom<unknown>('x', 'y', '1', 1, 1.5, -2, 0, true, false, null);
const custom = fc.dictionary(fc.constantFrom('tier', 'score', 'flag', 'mixed'), value, { maxKeys: 3 });
/** One record, mapped onto an account (name, plan, seats) or a user (email, accountId, custom.seats). */
const record = fc.record(
  {
    id: ids,
    required: fc.constantFrom('P', 'Q', null),
    second: fc.constantFrom('a', 'b', null),
    number: fc.constantFrom(1, 2, 10, null),
    custom,
  },
  { requiredKeys: ['id'] },
);
type GenericRecord = typeof record extends fc.Arbitrary<infer R> ? R : never;
function shape(object: Kind, r: GenericRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { id: r.id };
  const put = (key: string, v: unknown) => {
    if (v !== undefined) out[key] = v;
  };
  if (object === 'ACCOUNT') {
    put('name', r.required);
    put('plan', r.second);
    put('seats', r.number);
    put('custom', r.custom);
  } else {
    put('email', r.required === undefined || r.required === null ? r.required : `${r.required}@x.io`);
    put('accountId', r.second);
    put('custom', r.number === undefined ? r.custom : { ...r.custom, seats: r.number });
  }
  return out;
}
const step = fc.oneof(
  fc.record({ op: fc.constant('upsert' as const), records: fc.array(record, { minLength: 1, maxLength: 6 }) }),
  fc.record({ op: fc.constant('replay' as const) }),
  fc.record({
    op: fc.constant('concurrent' as const),
    a: fc.array(record, { maxLength: 4 }),
    b: fc.array(record, { maxLength: 4 }),
  }),
  fc.record({ op: fc.constant('delete' as const), ids: fc.array(ids, { minLength: 1, maxLength: 3 }) }),
);

describe('catalog statistics maintained at write time', () => {
  it('equal a recount from the raw rows after any sequence of creates, updates, clears, deletes, replays and concurrent batches', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), fc.constantFrom<Kind>('ACCOUNT', 'USER'), async (steps, object) => {
        const { workspaceId, adminKey } = await t.newWorkspace(`stats-${run++}`);
        const upsert = (records: unknown[]) => t.gql(object === 'ACCOUNT' ? UPSERT_ACCOUNTS : UPSERT_USERS, { records }, adminKey);
        const shaped = (records: GenericRecord[]) => records.map((r) => shape(object, r));
        let last: unknown[] = [];
        for (const s of steps) {
          if (s.op === 'upsert') {
            last = shaped(s.records);
            expect((await upsert(last)).errors).toBeUndefined();
          } else if (s.op === 'replay') {
            if (last.length > 0) expect((await upsert(last)).errors).toBeUndefined();
          } else if (s.op === 'concurrent') {
            const results = await Promise.all([upsert(shaped(s.a)), upsert(shaped(s.b))]);
            for (const r of results) expect(r.errors).toBeUndefined();
          } else {
            const res = await t.gql(object === 'ACCOUNT' ? DELETE_ACCOUNTS : DELETE_USERS, { ids: s.ids }, adminKey);
            expect(res.errors).toBeUndefined();
          }
        }
        const { maintained, recounted } = await compare(workspaceId, object);
        expect(maintained).toEqual(recounted);
        await compareReads(workspaceId, object);
      }),
      { numRuns: Number(process.env.STATS_RUNS ?? 25), seed: process.env.STATS_SEED ? Number(process.env.STATS_SEED) : undefined },
    );
  });

  it('costs a constant number of statements per upsert or delete call, whatever the batch size', async () => {
    const { adminKey } = await t.newWorkspace('stats-statements');
    const statements = async (query: string, variables: Record<string, unknown>) => {
      const before = t.database.stats.statements;
      const res = await t.gql(query, variables, adminKey);
      expect(res.errors).toBeUndefined();
      return t.database.stats.statements - before;
    };
    const accounts = (n: number, prefix: string, plan: string) =>
      Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, name: `N ${i}`, plan, seats: i, custom: { tier: i % 3 } }));
    await statements(UPSERT_ACCOUNTS, { records: accounts(2, 'warm', 'free') });
    const create = await statements(UPSERT_ACCOUNTS, { records: accounts(3, 'few', 'free') });
    expect(await statements(UPSERT_ACCOUNTS, { records: accounts(500, 'many', 'free') })).toBe(create);
    const update = await statements(UPSERT_ACCOUNTS, { records: accounts(3, 'few', 'pro') });
    expect(await statements(UPSERT_ACCOUNTS, { records: accounts(500, 'many', 'pro') })).toBe(update);
    const remove = await statements(DELETE_ACCOUNTS, { ids: ['few-0', 'few-1', 'few-2'] });
    expect(await statements(DELETE_ACCOUNTS, { ids: accounts(500, 'many', 'pro').map((a) => a.id) })).toBe(remove);
  });

  it('ranks values too long for the top-N index with the others', async () => {
    const { adminKey } = await t.newWorkspace('stats-long');
    const [long, longer] = ['x'.repeat(3000), 'z'.repeat(4000)];
    const notes = [long, long, 'short', 'short', longer, null];
    const records = notes.map((note, i) => ({ id: `l-${i}`, name: `L ${i}`, custom: { note } }));
    expect((await t.gql(UPSERT_ACCOUNTS, { records }, adminKey)).errors).toBeUndefined();
    const res = await t.gql(
      `{ dimensions(object: ACCOUNT) { key valueCount distinctCount topValues(limit: 3) { value count } } }`,
      {},
      adminKey,
    );
    const note = (res.data?.dimensions as Array<any>).find((d) => d.key === 'note');
    expect(note).toEqual({
      key: 'note',
      valueCount: 5,
      distinctCount: 3,
      topValues: [
        { value: 'short', count: 2 },
        { value: long, count: 2 },
        { value: longer, count: 1 },
      ],
    });
  });

  it('reads the dimensions page without scanning the accounts', async () => {
    const { workspaceId, adminKey } = await t.newWorkspace('stats-plan');
    for (let batch = 0; batch < 3; batch++) {
      const records = Array.from({ length: 1000 }, (_, i) => ({
        id: `p-${batch}-${i}`,
        name: `Account ${i}`,
        plan: ['free', 'pro', 'team'][i % 3],
        seats: i,
        custom: { lifecycle_stage: ['lead', 'customer'][i % 2], score: i % 17 },
      }));
      expect((await t.gql(UPSERT_ACCOUNTS, { records }, adminKey)).errors).toBeUndefined();
    }
    await t.database.db.execute(sql`analyze accounts`);
    await t.database.db.execute(sql`analyze field_values`);
    await t.database.db.execute(sql`analyze field_stats`);
    const plans: string[] = [];
    // Runs EXPLAIN of each statement the readers send, and keeps the plans.
    const explaining = {
      execute: async (query: SQL) => {
        const found = await rows<Record<string, string>>(t.database.db, sql`explain ${query}`);
        plans.push(found.map((r) => Object.values(r)[0]).join('\n'));
        return [];
      },
    } as unknown as Queryable;
    const keys = ['id', 'name', 'plan', 'seats', 'lifecycle_stage', 'score'];
    await maintainedStats(explaining, workspaceId, 'ACCOUNT', keys);
    await maintainedTopValues(explaining, workspaceId, 'ACCOUNT', keys, 5);
    expect(plans).toHaveLength(2);
    for (const plan of plans) expect(plan).not.toMatch(/Seq Scan on accounts/);
    // The answers themselves, over the 3,000 accounts.
    const res = await t.gql(
      `{ dimensions(object: ACCOUNT) { key coverage valueCount distinctCount topValues(limit: 2) { value count } numericStats { min max avg sum } } }`,
      {},
      adminKey,
    );
    const byKey = Object.fromEntries((res.data?.dimensions as Array<any>).map((d) => [d.key, d]));
    expect(byKey.id).toMatchObject({
      coverage: 1,
      valueCount: 3000,
      distinctCount: 3000,
      topValues: [
        { value: 'p-0-0', count: 1 },
        { value: 'p-0-1', count: 1 },
      ],
    });
    expect(byKey.lifecycle_stage).toMatchObject({
      coverage: 1,
      distinctCount: 2,
      topValues: [
        { value: 'customer', count: 1500 },
        { value: 'lead', count: 1500 },
      ],
    });
    expect(byKey.seats).toMatchObject({
      valueCount: 3000,
      distinctCount: 1000,
      numericStats: { min: 0, max: 999, avg: 499.5, sum: 1498500 },
    });
    const breakdown = await t.gql(
      `{ dimensionBreakdown(object: ACCOUNT, key: "plan", limit: 2) { total missing other buckets { value count } } }`,
      {},
      adminKey,
    );
    expect(breakdown.data?.dimensionBreakdown).toEqual({
      total: 3000,
      missing: 0,
      other: 999,
      buckets: [
        { value: 'free', count: 1002 },
        { value: 'pro', count: 999 },
      ],
    });
  });
});
