import { type SQL, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { DimensionStats } from '../../src/catalog/models.ts';
import { maintainedStats, maintainedTopValues, queueChanges } from '../../src/catalog/statistics.ts';
import { loadConfig } from '../../src/config.ts';
import { jsonParam, type Queryable, rows } from '../../src/db/client.ts';
import { createFolder } from '../../src/rollups/fold.ts';
import { DELETE_ACCOUNTS, DELETE_USERS, UPSERT_ACCOUNTS, UPSERT_USERS } from '../ingest/fragments.ts';
import { createTestApp, suiteApp, type TestApp } from '../support/harness.ts';

// Catalog statistics of accounts and users are maintained at write time (src/catalog/statistics.ts).
// They must always equal a recount from the raw rows: the scans the catalog used to run.

const t = suiteApp();

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

type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

/** A new workspace of `app` after `steps` of upserts, replays, concurrent batches and deletes. */
async function runSteps(app: TestApp, name: string, object: Kind, steps: readonly Step[]) {
  const workspace = await app.newWorkspace(name);
  const upsert = (records: unknown[]) => app.gql(object === 'ACCOUNT' ? UPSERT_ACCOUNTS : UPSERT_USERS, { records }, workspace.adminKey);
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
      const res = await app.gql(object === 'ACCOUNT' ? DELETE_ACCOUNTS : DELETE_USERS, { ids: s.ids }, workspace.adminKey);
      expect(res.errors).toBeUndefined();
    }
  }
  return workspace;
}

/**
 * The sampling level of a non-numeric value, as specified in src/catalog/statistics.ts: trailing
 * zero bits of the first 32 bits of md5(value as jsonb text). In the sample of shift s iff ≥ s.
 */
const LEVEL = (value: SQL) => sql`(32 - length(rtrim(('x' || left(md5(${value}::text), 8))::bit(32)::text, '0')))`;

/**
 * A sampled workspace against a recount: every value row holds its exact count; every numeric value
 * and every value in the sample has its row; the summaries are exact, their distinct parts count the
 * numbers and the sampled values, and the sample stays within the limit.
 */
async function compareSampled(app: TestApp, workspaceId: string, object: Kind, limit: number) {
  const db = app.database.db;
  const recount = sql`
    select e.key, e.value, count(*)::int as count
    from ${TABLE[object]} t cross join lateral jsonb_each(t.dims) as e(key, value)
    where t.workspace_id = ${workspaceId} and e.key <> 'id' and jsonb_typeof(e.value) <> 'null'
    group by e.key, e.value`;
  const miscounted = await rows(
    db,
    sql`select f.key, f.value, f.count, r.count as actual from field_values f left join (${recount}) r on r.key = f.key and r.value = f.value
        where f.workspace_id = ${workspaceId} and f.object = ${object} and r.count is distinct from f.count::int`,
  );
  expect(miscounted).toEqual([]);
  const missing = await rows(
    db,
    sql`select r.key, r.value from (${recount}) r
        left join field_stats s on s.workspace_id = ${workspaceId} and s.object = ${object} and s.key = r.key
        where (jsonb_typeof(r.value) = 'number' or ${LEVEL(sql`r.value`)} >= coalesce(s.sample_shift, 0))
          and not exists (select 1 from field_values f where f.workspace_id = ${workspaceId} and f.object = ${object}
            and f.key = r.key and f.value = r.value)`,
  );
  expect(missing).toEqual([]);
  const summaries = await rows<{ key: string; ok: boolean; sampled: number }>(
    db,
    sql`select s.key, s.sample_shift as shift,
          s.records = coalesce(x.records, 0) and s.numbers = coalesce(x.numbers, 0)
            and s.distinct_numbers = coalesce(x.distinct_numbers, 0)
            and s.distinct_values - s.distinct_numbers = coalesce(x.sampled, 0)
            and (s.numbers = 0 or s.number_sum = x.number_sum) as ok,
          (s.distinct_values - s.distinct_numbers)::int as sampled
        from field_stats s left join (
          select key, sum(count) as records,
            sum(count) filter (where jsonb_typeof(value) = 'number') as numbers,
            sum(count * (value)::numeric) filter (where jsonb_typeof(value) = 'number') as number_sum,
            count(*) filter (where jsonb_typeof(value) = 'number') as distinct_numbers,
            count(*) filter (where jsonb_typeof(value) <> 'number' and ${LEVEL(sql`value`)} >= (
              select sample_shift from field_stats where workspace_id = ${workspaceId} and object = ${object} and key = r.key)) as sampled
          from (${recount}) r group by key
        ) x on x.key = s.key
        where s.workspace_id = ${workspaceId} and s.object = ${object} and s.key <> 'id'`,
  );
  for (const row of summaries) {
    expect(row, row.key).toMatchObject({ ok: true });
    expect(row.sampled, row.key).toBeLessThanOrEqual(limit);
  }
  return summaries;
}

describe('catalog statistics maintained at write time', () => {
  it('equal a recount from the raw rows after any sequence of creates, updates, clears, deletes, replays and concurrent batches', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), fc.constantFrom<Kind>('ACCOUNT', 'USER'), async (steps, object) => {
        const { workspaceId } = await runSteps(t, `stats-${run++}`, object, steps);
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

  it('folds changes a stopped process queued but did not fold: at the next call of the workspace (even a replay), or at start-up', async () => {
    const { workspaceId, adminKey } = await t.newWorkspace('stats-queued');
    const records = [
      { id: 'q-1', name: 'One', plan: 'free' },
      { id: 'q-2', name: 'Two', plan: 'free' },
    ];
    expect((await t.gql(UPSERT_ACCOUNTS, { records }, adminKey)).errors).toBeUndefined();
    /** What an ingest call that stopped between its commit and its fold leaves: the write and its queued change. */
    const stoppedCall = async (id: string, plan: string) => {
      await t.database.db.transaction(async (tx) => {
        const [row] = await rows<{ dims: Record<string, string> }>(
          tx,
          sql`select dims from accounts where workspace_id = ${workspaceId} and id = ${id} for update`,
        );
        await tx.execute(sql`update accounts set dims = dims || ${jsonParam({ plan })} where workspace_id = ${workspaceId} and id = ${id}`);
        await queueChanges(tx, 'ACCOUNT', workspaceId, [{ id, before: row!.dims }]);
      });
    };
    await stoppedCall('q-1', 'pro');
    let { maintained, recounted } = await compare(workspaceId, 'ACCOUNT');
    expect(maintained).not.toEqual(recounted);
    // A replay of unchanged records folds what is queued.
    expect((await t.gql(UPSERT_ACCOUNTS, { records: [records[1]] }, adminKey)).errors).toBeUndefined();
    ({ maintained, recounted } = await compare(workspaceId, 'ACCOUNT'));
    expect(maintained).toEqual(recounted);
    // So does the start-up pass.
    await stoppedCall('q-2', 'team');
    const limits = loadConfig({}).limits;
    const folderOptions = { maxUnfoldedEvents: limits.maxUnfoldedEvents, exactDistinctValues: limits.exactDistinctValues };
    await createFolder(t.database.db, { ...folderOptions, sweepMs: 0, onError: (error) => Promise.reject(error) }).sweep();
    ({ maintained, recounted } = await compare(workspaceId, 'ACCOUNT'));
    expect(maintained).toEqual(recounted);
    expect(await rows(t.database.db, sql`select 1 from field_changes where workspace_id = ${workspaceId}`)).toEqual([]);

    // And so does a running server's sweeper, with no call of the workspace.
    const sweeper = createFolder(t.database.db, {
      ...folderOptions,
      sweepMs: 20,
      onError: (error) => {
        throw error;
      },
    });
    try {
      await stoppedCall('q-1', 'enterprise');
      await vi.waitFor(
        async () => {
          expect(await rows(t.database.db, sql`select 1 from field_changes where workspace_id = ${workspaceId}`)).toEqual([]);
        },
        { timeout: 20_000, interval: 50 },
      );
      ({ maintained, recounted } = await compare(workspaceId, 'ACCOUNT'));
      expect(maintained).toEqual(recounted);
    } finally {
      await sweeper.stop();
    }
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

describe('catalog statistics of fields with many distinct values (sampled)', () => {
  const LIMIT = 1;
  const sampledApp = suiteApp({ CATALOG_EXACT_DISTINCT_VALUES: String(LIMIT) });

  it('keep exact counts for every stored value, a row for every sampled one, and exact summaries after any sequence of writes', async () => {
    let run = 0;
    let sampledFields = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), fc.constantFrom<Kind>('ACCOUNT', 'USER'), async (steps, object) => {
        const { workspaceId } = await runSteps(sampledApp, `sampled-${run++}`, object, steps);
        const summaries = await compareSampled(sampledApp, workspaceId, object, LIMIT);
        sampledFields += summaries.filter((s) => (s as unknown as { shift: number }).shift > 0).length;
      }),
      { numRuns: Number(process.env.STATS_RUNS ?? 25), seed: process.env.STATS_SEED ? Number(process.env.STATS_SEED) : undefined },
    );
    // The property exercised sampling (with a limit of 1, any field with two text values outgrows it).
    expect(sampledFields).toBeGreaterThan(0);
  });

  it('estimate the distinct count of a near-unique field within its stated error, and keep numbers, coverage and breakdowns exact', async () => {
    const app = await createTestApp({ CATALOG_EXACT_DISTINCT_VALUES: '256' });
    try {
      const { workspaceId, adminKey } = await app.newWorkspace('sampled-domains');
      // 3,000 accounts: a unique name and domain each, a plan among 3, a unique numeric score, and a
      // `source` that is unique except for one value held by 500 accounts from the start.
      for (let batch = 0; batch < 3; batch++) {
        const records = Array.from({ length: 1000 }, (_, j) => {
          const i = batch * 1000 + j;
          return {
            id: `d-${i}`,
            name: `Company ${i}`,
            plan: ['free', 'pro', 'team'][i % 3],
            domain: `company-${i}.example`,
            custom: { score: i * 1.5, source: i % 6 === 0 ? 'partner' : `lead-${i}` },
          };
        });
        expect((await app.gql(UPSERT_ACCOUNTS, { records }, adminKey)).errors).toBeUndefined();
      }
      // Then 400 of them are deleted: the estimate follows deletes too.
      const deleted = Array.from({ length: 400 }, (_, i) => `d-${i * 7}`);
      expect((await app.gql(DELETE_ACCOUNTS, { ids: deleted }, adminKey)).errors).toBeUndefined();
      await compareSampled(app, workspaceId, 'ACCOUNT', 256);

      const res = await app.gql(
        `{ dimensions(object: ACCOUNT) { key valueCount distinctCount distinctCountExact distinctCountRelativeError
             topValues(limit: 2) { value count } numericStats { min max } } }`,
        {},
        adminKey,
      );
      expect(res.errors).toBeUndefined();
      const byKey = Object.fromEntries((res.data?.dimensions as Array<any>).map((d) => [d.key, d]));
      const [truth] = await rows<{ domains: number; names: number; sources: number; partners: number }>(
        app.database.db,
        sql`select count(distinct dims->>'domain')::int as domains, count(distinct dims->>'name')::int as names,
              count(distinct dims->>'source')::int as sources, count(*) filter (where dims->>'source' = 'partner')::int as partners
            from accounts where workspace_id = ${workspaceId}`,
      );
      for (const [key, actual] of [
        ['domain', truth!.domains],
        ['name', truth!.names],
        ['source', truth!.sources],
      ] as const) {
        const d = byKey[key];
        expect(d, key).toMatchObject({ valueCount: 2600, distinctCountExact: false });
        expect(d.distinctCountRelativeError, key).toBeGreaterThan(0);
        // A sample of at least limit ÷ 2 values: relative standard error under 1/√128 ≈ 8.8%.
        expect(d.distinctCountRelativeError, key).toBeLessThan(0.09);
        // Within four standard errors (a failure here by chance has probability < 1e-4 per field).
        expect(Math.abs(d.distinctCount - actual) / actual, key).toBeLessThan(4 * d.distinctCountRelativeError);
        expect(d.distinctCount, key).toBeLessThanOrEqual(2600);
      }
      // A value frequent when sampling began keeps its exact count, and ranks first.
      expect(byKey.source.topValues[0]).toEqual({ value: 'partner', count: truth!.partners });
      // Numbers are never sampled; few-valued fields stay exact.
      expect(byKey.score).toMatchObject({ distinctCount: 2600, distinctCountExact: true, distinctCountRelativeError: null });
      expect(byKey.score.numericStats).toEqual({ min: 1.5, max: 4498.5 });
      expect(byKey.plan).toMatchObject({ distinctCount: 3, distinctCountExact: true });
      expect(byKey.id).toMatchObject({ distinctCount: 2600, distinctCountExact: true });

      // The breakdown of a sampled field is exact (it scans the records).
      const breakdown = await app.gql(
        `{ dimensionBreakdown(object: ACCOUNT, key: "source", limit: 1) { total missing other buckets { value count } } }`,
        {},
        adminKey,
      );
      expect(breakdown.data?.dimensionBreakdown).toEqual({
        total: 2600,
        missing: 0,
        other: 2600 - truth!.partners,
        buckets: [{ value: 'partner', count: truth!.partners }],
      });
      // The value rows of a sampled field stay near the limit, not near the records.
      const [stored] = await rows<{ n: number }>(
        app.database.db,
        sql`select count(*)::int as n from field_values where workspace_id = ${workspaceId} and object = 'ACCOUNT' and key = 'domain'`,
      );
      expect(stored!.n).toBeLessThanOrEqual(256);
    } finally {
      await app.close();
    }
  });
});
