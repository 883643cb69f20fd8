import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { jsonParam, type Queryable, rows, toFloat8 } from '../db/client.ts';
import { type Dimensions, fieldChanges, fieldStats, fieldValues, valueHash } from '../db/schema.ts';
import { accumulate, alias, anyOf, columnList, columnName, recordAliases, tableAs } from '../db/sql.ts';
import type { RecordKind } from '../vocabulary.ts';
import type { DimensionStats, ValueCountModel } from './models.ts';

/**
 * Catalog statistics of accounts and users, maintained at write time (tables `field_values` and
 * `field_stats`, src/db/schema.ts) so that reading them costs the same at 100 records or 10 million.
 *
 * Writing, in two steps: the ingest transaction that changes records queues them (`queueChanges`:
 * one row holding each record's fields before, as read under the row lock, and after), and once it
 * has committed the fold (src/rollups/fold.ts: in the background, before a read of the workspace,
 * or by a sweep) calls `foldStatistics`, which folds every queued change of the workspace's object
 * in one set-based statement (-1 for each old value, +1 for each new one, rows at zero deleted),
 * under an advisory lock that makes it the only writer of these statistics. So the ingest
 * transactions of a workspace never wait for each other on the statistics' hot rows (a value held
 * by many records, the record count), concurrent calls are folded together by whichever folds
 * first, and a query folds what is queued before it reads: it sees every acknowledged change,
 * exactly. The statistics always equal a recount of `jsonb_each(dims)` over the records (values
 * compared as jsonb, as the scans did).
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

/** The records of each object, as `t`. */
const TABLES = recordAliases('t');
/** Value rows (`f`), summaries (`s`, and `st` where `s` names another relation). */
const f = alias(fieldValues, 'f');
const s = alias(fieldStats, 's');
const st = alias(fieldStats, 'st');
/**
 * The fold's CTEs that return rows of a table: `pending p` (field_changes) and `kept k` (field_values).
 * (The `k(key)` of the reading statements is their list of keys, written as text.)
 */
const p = alias(fieldChanges, 'p');
const k = alias(fieldValues, 'k');

/**
 * The sampling level of a value hash (md5 hex): trailing zero bits of its first 32 bits. A value is in
 * the sample of a field with shift s when its level is at least s (1 value in 2^s).
 */
const sampleLevel = (hash: SQLWrapper) => sql`(32 - length(rtrim(('x' || left(${hash}, 8))::bit(32)::text, '0')))`;

/** A record whose fields changed in this transaction: its fields before (null when it did not exist). */
export interface RecordChange {
  id: string;
  before: Dimensions | null;
}

/**
 * Queue the changes of one ingest call for the fold (one statement, one row): each record's fields
 * before (as read under the row lock) and after (read back from the table, null once deleted). Call
 * it in the call's transaction, after its writes; then, once it has committed, `foldStatistics`.
 */
export async function queueChanges(q: Queryable, object: RecordKind, workspaceId: string, changes: readonly RecordChange[]): Promise<void> {
  if (changes.length === 0) return;
  const t = TABLES[object];
  await q.execute(sql`
    insert into ${fieldChanges} (${columnList(fieldChanges.workspaceId, fieldChanges.object, fieldChanges.changes)})
    select ${workspaceId}, ${object}, jsonb_agg(jsonb_build_object('b', c.before, 'a', r.dims))
    from jsonb_to_recordset(${jsonParam(changes)}) as c(id text, before jsonb)
    -- A lookup per record (LIMIT 1: never a hash of every record of the workspace, whatever the statistics say).
    left join lateral (select ${t.dims} from ${tableAs(t)} where ${t.workspaceId} = ${workspaceId} and ${t.id} = c.id limit 1) as r on true`);
}

/** Queued calls folded by one statement (a backlog is folded in several). */
const FOLD_CALLS = 64;

/**
 * Fold every queued change of one object of a workspace into the statistics, in the transaction `q`
 * (which it makes the workspace's only folder of that object until it commits: an advisory lock).
 * Calls queued concurrently are folded together by whichever call folds first; a call whose changes
 * a concurrent fold took waits for that fold's commit on the lock, so when `foldStatistics` returns,
 * every change committed before it was called is in the statistics. Returns how many queued calls it folded.
 */
export async function foldStatistics(q: Queryable, object: RecordKind, workspaceId: string, exactDistinctValues: number): Promise<number> {
  await q.execute(sql`select pg_advisory_xact_lock(${FOLD_LOCK_CLASS}::int, hashtext(${workspaceId} || ':' || ${object}))`);
  for (let folded = 0; ; ) {
    const found = await rows<{ calls: number; over: string[] | null }>(q, foldStatement(object, workspaceId, exactDistinctValues));
    const over = found[0]?.over ?? null;
    if (over && over.length > 0) await resample(q, object, workspaceId, over, exactDistinctValues);
    const calls = found[0]?.calls ?? 0;
    folded += calls;
    if (calls < FOLD_CALLS) return folded;
  }
}

/** The class of the fold's advisory locks (the two-key space: apart from the attribution lock's). */
const FOLD_LOCK_CLASS = 7_001;

/**
 * One fold: takes up to FOLD_CALLS queued calls, computes the per-(field, value) deltas of the fields
 * that changed (-1 for the old value, +1 for the new one), deletes value rows that reach zero, upserts
 * the sampled others in key order (and adjusts the rows kept as frequent), adjusts the per-field
 * summaries, and returns the fields whose sample outgrew the limit. Only folds write these tables, one
 * at a time per workspace and object (the lock), so its snapshot is the statistics' current state.
 */
function foldStatement(object: RecordKind, workspaceId: string, exactDistinctValues: number): SQL {
  return sql`
    with ${takeValueDeltas(object, workspaceId)}, ${applyValueDeltas(object, workspaceId)}, ${applyFieldSummaries(object, workspaceId)}
    select (select count(*)::int from pending) as calls,
      (select array_agg(key order by key) from stats where key <> 'id' and sampled_values > ${exactDistinctValues}::int) as over`;
}

/**
 * CTEs `pending`, `c`, `pairs`, `summed` and `delta` (to start the fold's WITH list): take the queued
 * calls' changes and sum them per (field, value), each marked sampled or not by its field's shift.
 */
function takeValueDeltas(object: RecordKind, workspaceId: string): SQL {
  return sql`pending as (
      delete from ${fieldChanges} where ${fieldChanges.id} in (
        select ${fieldChanges.id} from ${fieldChanges}
        where ${fieldChanges.workspaceId} = ${workspaceId} and ${fieldChanges.object} = ${object} order by ${fieldChanges.id} limit ${FOLD_CALLS}::int)
      returning ${fieldChanges.changes}
    ), c as (
      select nullif(x.value -> 'b', 'null'::jsonb) as before, nullif(x.value -> 'a', 'null'::jsonb) as after
      from pending ${p} cross join lateral jsonb_array_elements(${p.changes}) as x(value)
    ), pairs as (
      -- Only the fields whose value changed: -1 for the old value, +1 for the new one.
      select e.key, e.value, -1 as d from c cross join lateral jsonb_each(c.before) as e(key, value)
      where (c.after -> e.key) is distinct from e.value
      union all
      select e.key, e.value, 1 from c cross join lateral jsonb_each(c.after) as e(key, value)
      where (c.before -> e.key) is distinct from e.value
    ), summed as (
      select key, value, ${valueHash('value')} as hash, sum(d)::bigint as d from pairs
      where key <> 'id' and jsonb_typeof(value) <> 'null'
      group by key, value having sum(d) <> 0
    ), delta as (
      -- sampled: the value has (or gets) its own row; the others only adjust a row kept as frequent.
      select s.*, jsonb_typeof(s.value) = 'number' as number,
        (jsonb_typeof(s.value) = 'number' or ${sampleLevel(sql`s.hash`)} >= coalesce(${st.sampleShift}, 0)) as sampled
      from summed s
      left join ${tableAs(st)} on ${st.workspaceId} = ${workspaceId} and ${st.object} = ${object} and ${st.key} = s.key
    )`;
}

/**
 * CTEs `gone`, `frequent`, `kept` and `distinct_delta`: apply the deltas to the value rows (delete
 * those reaching zero, adjust the frequent ones, upsert the sampled others in key order) and derive
 * the change in distinct values per field.
 */
function applyValueDeltas(object: RecordKind, workspaceId: string): SQL {
  return sql`gone as (
      delete from ${tableAs(f)} using delta d
      where ${f.workspaceId} = ${workspaceId} and ${f.object} = ${object} and ${f.key} = d.key and ${f.valueHash} = d.hash
        and ${f.count} + d.d = 0
      returning d.key, d.hash, d.sampled, d.number
    ), frequent as (
      update ${tableAs(f)} set ${columnName(fieldValues.count)} = ${f.count} + d.d from delta d
      where not d.sampled and ${f.workspaceId} = ${workspaceId} and ${f.object} = ${object} and ${f.key} = d.key and ${f.valueHash} = d.hash
        and ${f.count} + d.d <> 0
      returning 1
    ), kept as (
      insert into ${fieldValues} as ${f} (${columnList(fieldValues.workspaceId, fieldValues.object, fieldValues.key, fieldValues.value, fieldValues.count)})
      select ${workspaceId}, ${object}, d.key, d.value, d.d from delta d
      where d.sampled and not exists (select 1 from gone g where g.key = d.key and g.hash = d.hash)
      order by d.key, d.hash
      on conflict (${columnList(fieldValues.workspaceId, fieldValues.object, fieldValues.key, fieldValues.valueHash)}) do update set ${accumulate(f.count)}
      returning ${f.key}, ${f.valueHash}, ${f.count}
    ), distinct_delta as (
      select key, -1 as n, number from gone where sampled
      union all
      -- A sampled row created by this statement holds exactly its delta: a new distinct value.
      select ${k.key}, 1, d.number from kept ${k} join delta d on d.key = ${k.key} and d.hash = ${k.valueHash}
      where d.sampled and ${k.count} = d.d
    )`;
}

/** CTEs `records`, `summary` and `stats`: add the deltas to the per-field summaries (`field_stats`), in key order. */
function applyFieldSummaries(object: RecordKind, workspaceId: string): SQL {
  return sql`records as (
      select count(after) - count(before) as n from c
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
      insert into ${fieldStats} as ${s} (${columnList(
        fieldStats.workspaceId,
        fieldStats.object,
        fieldStats.key,
        fieldStats.records,
        fieldStats.distinctValues,
        fieldStats.distinctNumbers,
        fieldStats.numbers,
        fieldStats.numberSum,
      )})
      select ${workspaceId}, ${object}, key, records, distinct_values, distinct_numbers, numbers, number_sum from summary
      where records <> 0 or distinct_values <> 0 or numbers <> 0 or number_sum <> 0
      order by key
      on conflict (${columnList(fieldStats.workspaceId, fieldStats.object, fieldStats.key)}) do update set
        ${accumulate(s.records)},
        ${accumulate(s.distinctValues)},
        ${accumulate(s.distinctNumbers)},
        ${accumulate(s.numbers)},
        ${accumulate(s.numberSum)}
      returning ${s.key}, ${s.distinctValues} - ${s.distinctNumbers} as sampled_values
    )`;
}

/**
 * Raise the sampling shift of fields whose sampled values outgrew the limit to the smallest shift that
 * brings them back under it, and drop the rows that leave the sample (but not numbers, nor values held
 * by two records or more: those keep exact counts). One statement, in the fold's transaction.
 */
async function resample(q: Queryable, object: RecordKind, workspaceId: string, keys: readonly string[], limit: number): Promise<void> {
  await q.execute(sql`
    with levels as (
      select ${f.key}, ${sampleLevel(f.valueHash)} as level, count(*) as n from ${tableAs(f)}
      where ${f.workspaceId} = ${workspaceId} and ${f.object} = ${object} and ${anyOf(f.key, keys)} and jsonb_typeof(${f.value}) <> 'number'
      group by 1, 2
    ), choice as (
      select ${s.key}, min(c.shift) as shift from ${tableAs(s)}
      cross join lateral generate_series(${s.sampleShift} + 1, 32) as c(shift)
      where ${s.workspaceId} = ${workspaceId} and ${s.object} = ${object} and ${anyOf(s.key, keys)}
        and (select coalesce(sum(l.n), 0) from levels l where l.key = ${s.key} and l.level >= c.shift) <= ${limit}::int
      group by ${s.key}
    ), raised as (
      update ${tableAs(s)} set ${columnName(fieldStats.sampleShift)} = c.shift,
        ${columnName(fieldStats.distinctValues)} = ${s.distinctNumbers} + (select coalesce(sum(l.n), 0) from levels l where l.key = ${s.key} and l.level >= c.shift)
      from choice c where ${s.workspaceId} = ${workspaceId} and ${s.object} = ${object} and ${s.key} = c.key
      returning 1
    )
    delete from ${tableAs(f)} using choice c
    where ${f.workspaceId} = ${workspaceId} and ${f.object} = ${object} and ${f.key} = c.key and jsonb_typeof(${f.value}) <> 'number'
      and ${sampleLevel(f.valueHash)} < c.shift and ${f.count} = 1`);
}

/** The record total of an object (the `id` row of `field_stats`). */
export const recordTotal = (workspaceId: string, object: RecordKind) =>
  sql`coalesce((select ${fieldStats.records} from ${fieldStats} where ${fieldStats.workspaceId} = ${workspaceId} and ${fieldStats.object} = ${object} and ${fieldStats.key} = 'id'), 0)`;

/** Coverage, distinct values and numeric summary of several fields, from the maintained statistics. */
export async function maintainedStats(
  q: Queryable,
  workspaceId: string,
  object: RecordKind,
  keys: readonly string[],
): Promise<Map<string, DimensionStats>> {
  const numbers = (direction: SQL) => sql`(
    select (${f.value})::numeric from ${tableAs(f)}
    where ${f.workspaceId} = ${workspaceId} and ${f.object} = ${object} and ${f.key} = k.key and jsonb_typeof(${f.value}) = 'number'
    order by (${f.value})::numeric ${direction} limit 1)`;
  const found = await rows<{ key: string } & DimensionStats>(
    q,
    sql`
      select k.key, ${recordTotal(workspaceId, object)}::int as total,
        coalesce(${s.records}, 0)::int as "valueCount",
        coalesce(least(${s.records}, ${s.distinctNumbers} + (${s.distinctValues} - ${s.distinctNumbers}) * (1::bigint << ${s.sampleShift})), 0)::int
          as "distinctCount",
        coalesce(${s.sampleShift}, 0) = 0 as "distinctCountExact",
        -- Standard error of the estimate (binomial sample of the non-numeric values, p = 2^-shift) over the estimate.
        (case when ${s.sampleShift} > 0 and ${s.distinctValues} > ${s.distinctNumbers} then
          sqrt((${s.distinctValues} - ${s.distinctNumbers}) * (1 - 2 ^ (-${s.sampleShift})::float8)) * 2 ^ (${s.sampleShift}::float8)
            / (${s.distinctNumbers} + (${s.distinctValues} - ${s.distinctNumbers}) * (1::bigint << ${s.sampleShift}))
        end)::float8 as "distinctCountRelativeError",
        ${toFloat8(numbers(sql`asc`))} as min, ${toFloat8(numbers(sql`desc`))} as max,
        ${toFloat8(sql`(${s.numberSum} / nullif(${s.numbers}, 0))`)} as avg,
        ${toFloat8(sql`(case when ${s.numbers} > 0 then ${s.numberSum} end)`)} as sum
      from jsonb_array_elements_text(${jsonParam(keys)}) as k(key)
      left join ${tableAs(s)} on ${s.workspaceId} = ${workspaceId} and ${s.object} = ${object} and ${s.key} = k.key`,
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
  const t = TABLES[object];
  const found = await rows<{ key: string; value: string; count: number }>(
    q,
    sql`
      select k.key, top.value::text as value, top.count::int as count
      from jsonb_array_elements_text(${jsonParam(keys)}) as k(key)
      cross join lateral (
        select value, count from (
          (select ${f.value}, ${f.count} from ${tableAs(f)}
            where ${f.workspaceId} = ${workspaceId} and ${f.object} = ${object} and ${f.key} = k.key and k.key <> 'id'
              and ${f.indexed} and jsonb_typeof(${f.value}) in ('string', 'number', 'boolean')
            order by ${f.count} desc nulls last, ${f.value} limit ${limit}::int)
          union all
          (select ${f.value}, ${f.count} from ${tableAs(f)}
            where ${f.workspaceId} = ${workspaceId} and ${f.object} = ${object} and ${f.key} = k.key and k.key <> 'id'
              and not ${f.indexed} and jsonb_typeof(${f.value}) in ('string', 'number', 'boolean'))
          union all
          (select to_jsonb(${t.id}), 1::bigint from ${tableAs(t)}
            where k.key = 'id' and ${t.workspaceId} = ${workspaceId} order by ${t.id} limit ${limit}::int)
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
      select ${s.object}, ${s.key}, ${s.records}::int as n from ${tableAs(s)}
      where ${s.workspaceId} = ${workspaceId} and (
        (${s.object} = 'ACCOUNT' and ${anyOf(s.key, keys.ACCOUNT)})
        or (${s.object} = 'USER' and ${anyOf(s.key, keys.USER)}))`,
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
        (case when ${key} = 'id' then ${recordTotal(workspaceId, object)} else coalesce(${s.records}, 0) end)::int as valued,
        coalesce(${s.numbers}, 0)::int as numbers, coalesce(${s.sampleShift}, 0) > 0 as sampled
      from (select 1) as one
      left join ${tableAs(s)} on ${s.workspaceId} = ${workspaceId} and ${s.object} = ${object} and ${s.key} = ${key}`,
  );
  return found[0] ?? { total: 0, valued: 0, numbers: 0, sampled: false };
}

/**
 * The numeric values of one field with how many records hold each (for a histogram of all records):
 * the cost follows the number of distinct values, not of records.
 */
export function maintainedNumbers(workspaceId: string, object: RecordKind, key: string): SQL {
  return sql`select (${f.value})::float8 as x, ${f.count} as n from ${tableAs(f)}
    where ${f.workspaceId} = ${workspaceId} and ${f.object} = ${object} and ${f.key} = ${key} and jsonb_typeof(${f.value}) = 'number'`;
}

/**
 * A subquery giving the `limit` most frequent text values of the field named by `key` (an SQL
 * expression of the enclosing row) as a jsonb array of [value, count], or null; evaluated only where
 * `when` holds. One index range per field (the top-N index): what the catalog reads a field's
 * values from when its name says nothing (./meaning-values.ts).
 */
export function topTextValuesSample(workspaceId: string, object: RecordKind, key: SQLWrapper, when: SQLWrapper, limit: number): SQL {
  return sql`(select jsonb_agg(jsonb_build_array(v.value, v.count))::text from (
    select ${f.value}, ${f.count} from ${tableAs(f)}
    where ${when} and ${f.workspaceId} = ${workspaceId} and ${f.object} = ${object} and ${f.key} = ${key}
      and ${f.indexed} and jsonb_typeof(${f.value}) = 'string'
    order by ${f.count} desc, ${f.value} limit ${limit}::int) as v)`;
}
