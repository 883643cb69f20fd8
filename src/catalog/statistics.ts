import { type SQL, sql } from 'drizzle-orm';
import { jsonParam, type Queryable, rows, toFloat8 } from '../db/client.ts';
import { type Dimensions, valueHash } from '../db/schema.ts';
import type { RecordKind } from './inference.ts';
import type { DimensionStats, ValueCountModel } from './models.ts';

/**
 * Catalog statistics of accounts and users, maintained at write time (tables `field_values` and
 * `field_stats`, src/db/schema.ts) so that reading them costs the same at 100 records or 10 million.
 *
 * Writing: the ingest transaction that changes records calls `applyStatistics` once, after its
 * writes, with each changed record's fields before the change (as read under the row lock); the new
 * fields are read back from the table. It first locks the `field_stats` rows of every field the
 * records hold (creating missing ones), in key order: writers of a field take turns from there to
 * their commit, so each one's statement sees every earlier change and its counts are exact. One
 * statement then computes the per-(field, value) deltas of the fields that changed (-1 for the old
 * value, +1 for the new one), deletes value rows that reach zero, upserts the others in key order and
 * adjusts the per-field summaries. The statistics therefore always equal a recount of
 * `jsonb_each(dims)` over the records (values compared as jsonb, as the scans did).
 *
 * Near-unique fields (e-mails, names, timestamps) would cost a value row per record and per field,
 * written by every new record: once a field's non-numeric distinct values exceed the exact limit
 * (`CATALOG_EXACT_DISTINCT_VALUES`), it is *sampled*. Only values whose hash has at least
 * `sample_shift` trailing zero bits keep their row — a uniform 1-in-2^shift sample of the distinct
 * values, fixed by the value, so deletes and updates stay exact within it — plus the rows that were
 * frequent (count ≥ 2) when sampling began, which keep exact counts until they reach zero. The shift
 * is the smallest that brings the sample back under the limit. Numbers are never sampled (minimum,
 * maximum and histograms read them). The distinct count of a sampled field is then an estimate:
 * numeric values + sampled others × 2^shift, with relative standard error √((1 − 2^−shift) ÷ sampled)
 * on the sampled part (about 1.1–1.6% between limit ÷ 2 and limit sampled values at the default
 * 8,192). Record counts, coverage, numeric statistics and histograms stay exact.
 *
 * The `id` field is not stored per value (every record has its own): its `field_stats` row counts
 * the records (the coverage denominator), and its top values come from the primary key.
 */

const TABLES: Record<RecordKind, SQL> = { ACCOUNT: sql.raw('accounts'), USER: sql.raw('users') };

/**
 * The sampling level of a value hash (md5 hex): trailing zero bits of its first 32 bits. A value is in
 * the sample of a field with shift s when its level is at least s (1 value in 2^s).
 */
const sampleLevel = (hash: SQL) => sql`(32 - length(rtrim(('x' || left(${hash}, 8))::bit(32)::text, '0')))`;

/** A record whose fields changed in this transaction: its fields before (null when it did not exist). */
export interface RecordChange {
  id: string;
  before: Dimensions | null;
}

/**
 * Fold the changes of one ingest call into the statistics: two statements (lock, fold), and a third
 * only when a field outgrows the exact limit (resample). The records must be locked by the caller and
 * already written.
 */
export async function applyStatistics(
  q: Queryable,
  object: RecordKind,
  workspaceId: string,
  changes: readonly RecordChange[],
  exactDistinctValues: number,
): Promise<void> {
  if (changes.length === 0) return;
  const changeList = jsonParam(changes);
  const table = TABLES[object];
  const locked = await rows<{ key: string; shift: number }>(
    q,
    sql`
    with c as (
      select * from jsonb_to_recordset(${changeList}) as c(id text, before jsonb)
    ), keys as (
      select 'id' as key
      union select jsonb_object_keys(c.before) from c where c.before is not null
      union select jsonb_object_keys(t.dims) from c join ${table} t on t.workspace_id = ${workspaceId} and t.id = c.id
    )
    insert into field_stats as s (workspace_id, object, key, records, distinct_values, numbers, number_sum)
    select ${workspaceId}, ${object}, key, 0, 0, 0, 0 from keys order by key
    on conflict (workspace_id, object, key) do update set sample_shift = s.sample_shift
    returning s.key, s.sample_shift as shift`,
  );
  const shifts = Object.fromEntries(locked.filter((k) => k.shift > 0).map((k) => [k.key, k.shift]));
  const found = await rows<{ over: string[] | null }>(
    q,
    sql`
    with c as (
      select * from jsonb_to_recordset(${changeList}) as c(id text, before jsonb)
    ), pairs as (
      -- Only the fields whose value changed: -1 for the old value, +1 for the new one.
      select e.key, e.value, -1 as d from c left join ${table} t on t.workspace_id = ${workspaceId} and t.id = c.id
        cross join lateral jsonb_each(c.before) as e(key, value)
      where (t.dims -> e.key) is distinct from e.value
      union all
      select e.key, e.value, 1 from c join ${table} t on t.workspace_id = ${workspaceId} and t.id = c.id
        cross join lateral jsonb_each(t.dims) as e(key, value)
      where (c.before -> e.key) is distinct from e.value
    ), summed as (
      select key, value, ${valueHash('value')} as hash, sum(d)::bigint as d from pairs
      where key <> 'id' and jsonb_typeof(value) <> 'null'
      group by key, value having sum(d) <> 0
    ), delta as (
      -- sampled: the value has (or gets) its own row; others only adjust a row kept as frequent.
      select s.*, jsonb_typeof(s.value) = 'number' as number,
        (jsonb_typeof(s.value) = 'number' or ${sampleLevel(sql`s.hash`)} >= coalesce((${jsonParam(shifts)}::jsonb ->> s.key)::int, 0)) as sampled
      from summed s
    ), gone as (
      delete from field_values f using delta d
      where f.workspace_id = ${workspaceId} and f.object = ${object} and f.key = d.key and f.value_hash = d.hash
        and f.count + d.d = 0
      returning d.key, d.hash, d.sampled, d.number
    ), frequent as (
      update field_values f set count = f.count + d.d from delta d
      where not d.sampled and f.workspace_id = ${workspaceId} and f.object = ${object} and f.key = d.key and f.value_hash = d.hash
        and f.count + d.d <> 0
      returning 1
    ), kept as (
      insert into field_values as f (workspace_id, object, key, value, count)
      select ${workspaceId}, ${object}, d.key, d.value, d.d from delta d
      where d.sampled and not exists (select 1 from gone g where g.key = d.key and g.hash = d.hash)
      order by d.key, d.hash
      on conflict (workspace_id, object, key, value_hash) do update set count = f.count + excluded.count
      returning f.key, f.value_hash, f.count
    ), distinct_delta as (
      select key, -1 as n, number from gone where sampled
      union all
      -- A sampled row created by this statement holds exactly its delta: a new distinct value.
      select k.key, 1, d.number from kept k join delta d on d.key = k.key and d.hash = k.value_hash
      where d.sampled and k.count = d.d
    ), records as (
      select (select count(*) from c join ${table} t on t.workspace_id = ${workspaceId} and t.id = c.id)
        - (select count(*) from c where c.before is not null) as n
    ), summary as (
      select key, sum(records)::bigint as records, sum(distinct_values)::bigint as distinct_values,
        sum(distinct_numbers)::bigint as distinct_numbers, sum(numbers)::bigint as numbers, sum(number_sum) as number_sum
      from (
        select key, d as records, 0 as distinct_values, 0 as distinct_numbers,
          case when number then d else 0 end as numbers,
          case when number then d * (value)::numeric else 0 end as number_sum
        from delta
        union all
        select key, 0, n, case when number then n else 0 end, 0, 0 from distinct_delta
        union all
        select 'id', n, n, 0, 0, 0 from records where n <> 0
      ) as s
      group by key
    ), stats as (
      update field_stats s set
        records = s.records + m.records,
        distinct_values = s.distinct_values + m.distinct_values,
        distinct_numbers = s.distinct_numbers + m.distinct_numbers,
        numbers = s.numbers + m.numbers,
        number_sum = s.number_sum + m.number_sum
      from summary m
      where s.workspace_id = ${workspaceId} and s.object = ${object} and s.key = m.key
      returning s.key, s.distinct_values - s.distinct_numbers as sampled_values
    )
    select array_agg(key order by key) filter (where key <> 'id' and sampled_values > ${exactDistinctValues}::int) as over
    from stats`,
  );
  const over = found[0]?.over ?? null;
  if (over && over.length > 0) await resample(q, object, workspaceId, over, exactDistinctValues);
}

/**
 * Raise the sampling shift of fields whose sampled values outgrew the limit to the smallest shift that
 * brings them back under it, and drop the rows that leave the sample (but not numbers, nor values held
 * by two records or more: those keep exact counts). One statement; the fields are locked by the caller.
 */
async function resample(q: Queryable, object: RecordKind, workspaceId: string, keys: readonly string[], limit: number): Promise<void> {
  const keyList = sql`(select jsonb_array_elements_text(${jsonParam(keys)}))`;
  await q.execute(sql`
    with levels as (
      select f.key, ${sampleLevel(sql`f.value_hash`)} as level, count(*) as n from field_values f
      where f.workspace_id = ${workspaceId} and f.object = ${object} and f.key in ${keyList} and jsonb_typeof(f.value) <> 'number'
      group by 1, 2
    ), choice as (
      select s.key, min(c.shift) as shift from field_stats s
      cross join lateral generate_series(s.sample_shift + 1, 32) as c(shift)
      where s.workspace_id = ${workspaceId} and s.object = ${object} and s.key in ${keyList}
        and (select coalesce(sum(l.n), 0) from levels l where l.key = s.key and l.level >= c.shift) <= ${limit}::int
      group by s.key
    ), raised as (
      update field_stats s set sample_shift = c.shift,
        distinct_values = s.distinct_numbers + (select coalesce(sum(l.n), 0) from levels l where l.key = s.key and l.level >= c.shift)
      from choice c where s.workspace_id = ${workspaceId} and s.object = ${object} and s.key = c.key
      returning 1
    )
    delete from field_values f using choice c
    where f.workspace_id = ${workspaceId} and f.object = ${object} and f.key = c.key and jsonb_typeof(f.value) <> 'number'
      and ${sampleLevel(sql`f.value_hash`)} < c.shift and f.count = 1`);
}

/** The record total of an object (the `id` row of `field_stats`). */
export const recordTotal = (workspaceId: string, object: RecordKind) =>
  sql`coalesce((select records from field_stats where workspace_id = ${workspaceId} and object = ${object} and key = 'id'), 0)`;

/** Coverage, distinct values and numeric summary of several fields, from the maintained statistics. */
export async function maintainedStats(
  q: Queryable,
  workspaceId: string,
  object: RecordKind,
  keys: readonly string[],
): Promise<Map<string, DimensionStats>> {
  const numbers = (direction: SQL) => sql`(
    select (f.value)::numeric from field_values f
    where f.workspace_id = ${workspaceId} and f.object = ${object} and f.key = k.key and jsonb_typeof(f.value) = 'number'
    order by (f.value)::numeric ${direction} limit 1)`;
  const found = await rows<{ key: string } & DimensionStats>(
    q,
    sql`
      select k.key, ${recordTotal(workspaceId, object)}::int as total,
        coalesce(s.records, 0)::int as "valueCount",
        coalesce(least(s.records, s.distinct_numbers + (s.distinct_values - s.distinct_numbers) * (1::bigint << s.sample_shift)), 0)::int
          as "distinctCount",
        coalesce(s.sample_shift, 0) = 0 as "distinctCountExact",
        -- Standard error of the estimate (binomial sample of the non-numeric values, p = 2^-shift) over the estimate.
        (case when s.sample_shift > 0 and s.distinct_values > s.distinct_numbers then
          sqrt((s.distinct_values - s.distinct_numbers) * (1 - 2 ^ (-s.sample_shift)::float8)) * 2 ^ (s.sample_shift::float8)
            / (s.distinct_numbers + (s.distinct_values - s.distinct_numbers) * (1::bigint << s.sample_shift))
        end)::float8 as "distinctCountRelativeError",
        ${toFloat8(numbers(sql`asc`))} as min, ${toFloat8(numbers(sql`desc`))} as max,
        ${toFloat8(sql`(s.number_sum / nullif(s.numbers, 0))`)} as avg,
        ${toFloat8(sql`(case when s.numbers > 0 then s.number_sum end)`)} as sum
      from jsonb_array_elements_text(${jsonParam(keys)}) as k(key)
      left join field_stats s on s.workspace_id = ${workspaceId} and s.object = ${object} and s.key = k.key`,
  );
  return new Map(found.map(({ key, ...stats }) => [key, stats]));
}

/**
 * The most frequent values of several fields, ties by value (jsonb order), from `field_values`: an
 * index range per key for values short enough to be indexed, plus the rare longer ones. `id`: the
 * first IDs of the primary key (each record has its own, count 1).
 */
export async function maintainedTopValues(
  q: Queryable,
  workspaceId: string,
  object: RecordKind,
  keys: readonly string[],
  limit: number,
): Promise<Map<string, ValueCountModel[]>> {
  const found = await rows<{ key: string; value: string; count: number }>(
    q,
    sql`
      select k.key, top.value::text as value, top.count::int as count
      from jsonb_array_elements_text(${jsonParam(keys)}) as k(key)
      cross join lateral (
        select value, count from (
          (select f.value, f.count from field_values f
            where f.workspace_id = ${workspaceId} and f.object = ${object} and f.key = k.key and k.key <> 'id'
              and f.indexed and jsonb_typeof(f.value) in ('string', 'number', 'boolean')
            order by f.count desc nulls last, f.value limit ${limit}::int)
          union all
          (select f.value, f.count from field_values f
            where f.workspace_id = ${workspaceId} and f.object = ${object} and f.key = k.key and k.key <> 'id'
              and not f.indexed and jsonb_typeof(f.value) in ('string', 'number', 'boolean'))
          union all
          (select to_jsonb(t.id), 1::bigint from ${TABLES[object]} t
            where k.key = 'id' and t.workspace_id = ${workspaceId} order by t.id limit ${limit}::int)
        ) as candidates
        order by count desc, value limit ${limit}::int
      ) as top
      order by k.key, top.count desc, top.value`,
  );
  return valueCountsByKey(found);
}

/** Rows of (key, value as jsonb text, count), in rank order, as each key's list of values. */
export function valueCountsByKey(found: ReadonlyArray<{ key: string; value: string; count: number }>): Map<string, ValueCountModel[]> {
  const out = new Map<string, ValueCountModel[]>();
  for (const row of found) {
    const list = out.get(row.key) ?? [];
    list.push({ value: JSON.parse(row.value) as ValueCountModel['value'], count: row.count });
    out.set(row.key, list);
  }
  return out;
}

/** Records holding a value, for several keys of accounts and users, keyed `OBJECT:key` (one statement). */
export async function recordsWithValue(
  q: Queryable,
  workspaceId: string,
  keys: Record<RecordKind, readonly string[]>,
): Promise<Map<string, number>> {
  const found = await rows<{ object: RecordKind; key: string; n: number }>(
    q,
    sql`
      select s.object, s.key, s.records::int as n from field_stats s
      where s.workspace_id = ${workspaceId} and (
        (s.object = 'ACCOUNT' and s.key in (select jsonb_array_elements_text(${jsonParam(keys.ACCOUNT)})))
        or (s.object = 'USER' and s.key in (select jsonb_array_elements_text(${jsonParam(keys.USER)}))))`,
  );
  return new Map(found.map((r) => [`${r.object}:${r.key}`, r.n]));
}

/** Records in total and records holding a value of `key`, from the maintained statistics; `sampled`: its value rows are a sample. */
export async function maintainedCoverage(
  q: Queryable,
  workspaceId: string,
  object: RecordKind,
  key: string,
): Promise<{ total: number; valued: number; numbers: number; sampled: boolean }> {
  const found = await rows<{ total: number; valued: number; numbers: number; sampled: boolean }>(
    q,
    sql`
      select ${recordTotal(workspaceId, object)}::int as total,
        (case when ${key} = 'id' then ${recordTotal(workspaceId, object)} else coalesce(s.records, 0) end)::int as valued,
        coalesce(s.numbers, 0)::int as numbers, coalesce(s.sample_shift, 0) > 0 as sampled
      from (select 1) as one
      left join field_stats s on s.workspace_id = ${workspaceId} and s.object = ${object} and s.key = ${key}`,
  );
  return found[0] ?? { total: 0, valued: 0, numbers: 0, sampled: false };
}

/**
 * The numeric values of one field with how many records hold each (for a histogram of all records):
 * the cost follows the number of distinct values, not of records.
 */
export function maintainedNumbers(workspaceId: string, object: RecordKind, key: string): SQL {
  return sql`select (f.value)::float8 as x, f.count as n from field_values f
    where f.workspace_id = ${workspaceId} and f.object = ${object} and f.key = ${key} and jsonb_typeof(f.value) = 'number'`;
}
