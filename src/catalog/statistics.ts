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
 * fields are read back from the table. One statement computes the per-(field, value) deltas of the
 * fields that changed (-1 for the old value, +1 for the new one), deletes value rows that reach zero and upserts the
 * others in key order, and adjusts the per-field summaries. The statistics therefore always equal a
 * recount of `jsonb_each(dims)` over the records (values compared as jsonb, as the scans did).
 *
 * The `id` field is not stored per value (every record has its own): its `field_stats` row counts
 * the records (the coverage denominator), and its top values come from the primary key.
 */

const TABLES: Record<RecordKind, SQL> = { ACCOUNT: sql.raw('accounts'), USER: sql.raw('users') };

/** A record whose fields changed in this transaction: its fields before (null when it did not exist). */
export interface RecordChange {
  id: string;
  before: Dimensions | null;
}

/**
 * Fold the changes of one ingest call into the statistics (one statement; a second one only when a
 * concurrent call made a value's count reach zero after this statement's snapshot, to delete it).
 * The records must be locked by the caller and already written.
 */
export async function applyStatistics(
  q: Queryable,
  object: RecordKind,
  workspaceId: string,
  changes: readonly RecordChange[],
): Promise<void> {
  if (changes.length === 0) return;
  const found = await rows<{ lingering: string[] | null }>(
    q,
    sql`
    with c as (
      select * from jsonb_to_recordset(${jsonParam(changes)}) as c(id text, before jsonb)
    ), pairs as (
      -- Only the fields whose value changed: -1 for the old value, +1 for the new one.
      select e.key, e.value, -1 as d from c left join ${TABLES[object]} t on t.workspace_id = ${workspaceId} and t.id = c.id
        cross join lateral jsonb_each(c.before) as e(key, value)
      where (t.dims -> e.key) is distinct from e.value
      union all
      select e.key, e.value, 1 from c join ${TABLES[object]} t on t.workspace_id = ${workspaceId} and t.id = c.id
        cross join lateral jsonb_each(t.dims) as e(key, value)
      where (c.before -> e.key) is distinct from e.value
    ), delta as (
      select key, value, ${valueHash('value')} as hash, sum(d)::bigint as d from pairs
      where key <> 'id' and jsonb_typeof(value) <> 'null'
      group by key, value having sum(d) <> 0
    ), gone as (
      -- Rows whose count reaches zero are deleted (re-checked against a concurrent change of the count).
      delete from field_values f using delta d
      where f.workspace_id = ${workspaceId} and f.object = ${object} and f.key = d.key and f.value_hash = d.hash
        and f.count + d.d = 0
      returning f.key, f.value_hash
    ), kept as (
      insert into field_values as f (workspace_id, object, key, value, count)
      select ${workspaceId}, ${object}, d.key, d.value, d.d from delta d
      where not exists (select 1 from gone g where g.key = d.key and g.value_hash = d.hash)
      order by d.key, d.hash
      on conflict (workspace_id, object, key, value_hash) do update set count = f.count + excluded.count
      returning f.key, f.value_hash, f.count
    ), distinct_delta as (
      select key, -1 as n from gone
      union all
      -- A row whose count was zero (or absent) before is a new distinct value; one now at zero is gone.
      select k.key, case when k.count = d.d then 1 when k.count = 0 then -1 else 0 end
      from kept k join delta d on d.key = k.key and d.hash = k.value_hash
    ), records as (
      select (select count(*) from c join ${TABLES[object]} t on t.workspace_id = ${workspaceId} and t.id = c.id)
        - (select count(*) from c where c.before is not null) as n
    ), summary as (
      select key, sum(records)::bigint as records, sum(distinct_values)::bigint as distinct_values,
        sum(numbers)::bigint as numbers, sum(number_sum) as number_sum
      from (
        select key, d as records, 0 as distinct_values,
          case when jsonb_typeof(value) = 'number' then d else 0 end as numbers,
          case when jsonb_typeof(value) = 'number' then d * (value)::numeric else 0 end as number_sum
        from delta
        union all
        select key, 0, n, 0, 0 from distinct_delta
        union all
        select 'id', n, n, 0, 0 from records where n <> 0
      ) as s
      group by key
    ), stats as (
      insert into field_stats as s (workspace_id, object, key, records, distinct_values, numbers, number_sum)
      select ${workspaceId}, ${object}, key, records, distinct_values, numbers, number_sum from summary
      where records <> 0 or distinct_values <> 0 or numbers <> 0 or number_sum <> 0
      order by key
      on conflict (workspace_id, object, key) do update set
        records = s.records + excluded.records,
        distinct_values = s.distinct_values + excluded.distinct_values,
        numbers = s.numbers + excluded.numbers,
        number_sum = s.number_sum + excluded.number_sum
      returning 1
    )
    select array_agg(distinct key) as lingering from kept where count = 0`,
  );
  const lingering = found[0]?.lingering ?? null;
  if (lingering && lingering.length > 0) {
    await q.execute(sql`
      delete from field_values
      where workspace_id = ${workspaceId} and object = ${object}
        and key in (select jsonb_array_elements_text(${jsonParam(lingering)})) and count = 0`);
  }
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
        coalesce(s.records, 0)::int as "valueCount", coalesce(s.distinct_values, 0)::int as "distinctCount",
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

/** Records in total and records holding a value of `key`, from the maintained statistics. */
export async function maintainedCoverage(
  q: Queryable,
  workspaceId: string,
  object: RecordKind,
  key: string,
): Promise<{ total: number; valued: number; numbers: number }> {
  const found = await rows<{ total: number; valued: number; numbers: number }>(
    q,
    sql`
      select ${recordTotal(workspaceId, object)}::int as total,
        (case when ${key} = 'id' then ${recordTotal(workspaceId, object)} else coalesce(s.records, 0) end)::int as valued,
        coalesce(s.numbers, 0)::int as numbers
      from (select 1) as one
      left join field_stats s on s.workspace_id = ${workspaceId} and s.object = ${object} and s.key = ${key}`,
  );
  return found[0] ?? { total: 0, valued: 0, numbers: 0 };
}

/**
 * The numeric values of one field with how many records hold each (for a histogram of all records):
 * the cost follows the number of distinct values, not of records.
 */
export function maintainedNumbers(workspaceId: string, object: RecordKind, key: string): SQL {
  return sql`select (f.value)::float8 as x, f.count as n from field_values f
    where f.workspace_id = ${workspaceId} and f.object = ${object} and f.key = ${key} and jsonb_typeof(f.value) = 'number'`;
}
