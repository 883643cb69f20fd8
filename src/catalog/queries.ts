import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { jsonParam, type Queryable, rows, toFloat8 } from '../db/client.ts';
import {
  accounts,
  type CatalogFieldRow,
  catalogFields,
  eventNames,
  events,
  meaningOverrides,
  metricReach,
  metricReachCounts,
  users,
} from '../db/schema.ts';
import { alias, anyOf, tableAs } from '../db/sql.ts';
import type { FieldType, ObjectKind, RecordKind } from '../vocabulary.ts';
import { DEFAULT_FIELDS } from './fields.ts';
import type { FieldMap } from './filters.ts';
import { numberOf, valueExpr } from './filters.ts';
import type { SemanticType } from './inference.ts';
import { semanticFromValues, VALUE_SAMPLE_SIZE } from './meaning-values.ts';
import type { DimensionModel, DimensionStats, MetricModel, ValueCountModel } from './models.ts';
import { type InferenceEvidence, inferMeaning } from './semantics.ts';
import {
  maintainedCoverage,
  maintainedNumbers,
  maintainedStats,
  maintainedTopValues,
  recordTotal,
  topTextValuesSample,
  valueCountsByKey,
} from './statistics.ts';
import { humanLabel } from './tokens.ts';

// The reading side of the catalog. Every function is one statement for any number of keys, so a
// page listing N dimensions with their statistics costs the same as one dimension. Statistics of
// accounts and users over all records come from the tables maintained at write time
// (./statistics.ts); events, and breakdowns of a filtered subset, scan the matching records.

/** Each object's table as `t` (the alias the filters of ./filters.ts are compiled for). */
const TABLES = { ACCOUNT: alias(accounts, 't'), USER: alias(users, 't'), EVENT: alias(events, 't') } as const;

/** Every field of a record as one jsonb object (columns included), for per-key statistics. */
const recordDocument = (t: (typeof TABLES)['ACCOUNT' | 'USER']) => sql`${t.dims} || jsonb_build_object('id', ${t.id})`;
const eventDocument = (t: (typeof TABLES)['EVENT']) =>
  sql`${t.properties} || jsonb_strip_nulls(jsonb_build_object('name', ${t.name}, 'timestamp', to_char(${t.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'userId', ${t.userId}, 'accountId', ${t.accountId}, 'eventId', ${t.eventId}))`;
const DOCUMENTS: Record<ObjectKind, SQL> = {
  ACCOUNT: recordDocument(TABLES.ACCOUNT),
  USER: recordDocument(TABLES.USER),
  EVENT: eventDocument(TABLES.EVENT),
};

// The catalog rows (c) and the overrides (o) of `loadDimensions` are subqueries of their tables, under these names.
const c = alias(catalogFields, 'c');
const o = alias(meaningOverrides, 'o');
/** The count-metric catalog of `metricCatalog`. */
const n = alias(eventNames, 'n');

/**
 * The catalog of one object: the default fields (always present, in their fixed order), then custom
 * fields by key, each with its effective meaning (the workspace's override, else the inferred one).
 * One statement: the catalog rows and the overrides are joined in SQL.
 */
export async function loadDimensions(q: Queryable, workspaceId: string, object: ObjectKind): Promise<DimensionModel[]> {
  const found = await rows<{
    key: string;
    stored: boolean;
    label: string | null;
    type: string | null;
    declared_type: string | null;
    semantic: string | null;
    is_default: boolean | null;
    first_ms: number | null;
    last_ms: number | null;
    overridden: boolean;
    meaning: string | null;
    sample: string | null;
  }>(
    q,
    sql`
      select coalesce(${c.key}, ${o.key}) as key, ${c.key} is not null as stored, ${c.label}, ${c.type}, ${c.declaredType}, ${c.semantic}, ${c.isDefault},
        ${epochMs(c.firstSeenAt)} as first_ms, ${epochMs(c.lastSeenAt)} as last_ms,
        ${o.key} is not null as overridden, ${o.meaning}, ${valueSample(workspaceId, object)} as sample
      from (select * from ${catalogFields} where ${catalogFields.workspaceId} = ${workspaceId} and ${catalogFields.object} = ${object}) as ${c}
      full join (select ${meaningOverrides.key}, ${meaningOverrides.meaning} from ${meaningOverrides} where ${meaningOverrides.workspaceId} = ${workspaceId} and ${meaningOverrides.target} = ${object}) as ${o} on ${o.key} = ${c.key}
      order by 1`,
  );
  const instant = (ms: number | null) => (ms === null ? null : new Date(Math.floor(ms)));
  const byKey = new Map(found.map((row) => [row.key, row]));
  const withMeaning = (row: CatalogFieldRow, r: (typeof found)[number] | undefined): DimensionModel => {
    const inferred = inferredMeaning(row, r?.sample ?? null);
    return {
      ...row,
      inferredSemantic: inferred.semantic,
      semantic: r?.overridden ? r.meaning : inferred.semantic,
      semanticOverridden: r?.overridden ?? false,
      semanticEvidence: r?.overridden ? 'CORRECTION' : inferred.evidence,
    };
  };
  const defaults = DEFAULT_FIELDS[object].map((field) => {
    const r = byKey.get(field.key);
    return withMeaning(
      {
        workspaceId,
        object,
        key: field.key,
        label: field.label,
        type: field.type,
        declaredType: null,
        semantic: field.semantic,
        isDefault: true,
        firstSeenAt: instant(r?.first_ms ?? null),
        lastSeenAt: instant(r?.last_ms ?? null),
      },
      r,
    );
  });
  const defaultKeys = new Set(defaults.map((d) => d.key));
  const custom = found
    .filter((r) => r.stored && !defaultKeys.has(r.key))
    .map((r) =>
      withMeaning(
        {
          workspaceId,
          object,
          key: r.key,
          label: r.label ?? r.key,
          type: r.type,
          declaredType: r.declared_type,
          semantic: r.semantic,
          isDefault: r.is_default ?? false,
          firstSeenAt: instant(r.first_ms),
          lastSeenAt: instant(r.last_ms),
        },
        r,
      ),
    );
  return [...defaults, ...custom];
}

/**
 * The most frequent text values of the fields whose name gave no meaning (accounts and users: the
 * maintained statistics; events keep none), for `inferredMeaning`.
 */
function valueSample(workspaceId: string, object: ObjectKind): SQL {
  if (object === 'EVENT') return sql`null::text`;
  const opaque = sql`${c.semantic} is null and not ${c.isDefault} and coalesce(${c.declaredType}, ${c.type}) in ('STRING', 'URL')`;
  return topTextValuesSample(workspaceId, object, c.key, opaque, VALUE_SAMPLE_SIZE);
}

/**
 * The meaning a catalog row was given from its name when it was recorded (or from a default field's
 * definition), else the one its sampled values give, with what decided it.
 */
export function inferredMeaning(
  row: Pick<CatalogFieldRow, 'object' | 'key' | 'type' | 'declaredType' | 'semantic' | 'isDefault'>,
  sample: string | null,
): { semantic: SemanticType | null; evidence: InferenceEvidence | null } {
  const stored = row.semantic as SemanticType | null;
  if (stored !== null) {
    const now = row.isDefault ? null : inferMeaning(row.key, fieldType(row as CatalogFieldRow), row.object as ObjectKind);
    return { semantic: stored, evidence: now?.semantic === stored ? now.evidence : 'NAME' };
  }
  if (sample === null || row.object === 'EVENT') return { semantic: null, evidence: null };
  const values = (JSON.parse(sample) as Array<[unknown, number]>).map(([value, count]) => ({ value, count }));
  const semantic = semanticFromValues(values, row.object as RecordKind);
  return { semantic, evidence: semantic === null ? null : 'VALUES' };
}

/** The effective type of a field: the declared one wins. */
export function fieldType(row: CatalogFieldRow): FieldType | null {
  return (row.declaredType ?? row.type) as FieldType | null;
}

export function fieldMap(dimensions: readonly CatalogFieldRow[]): FieldMap {
  return new Map(dimensions.map((row) => [row.key, { key: row.key, type: fieldType(row) }]));
}

/** Coverage, distinct values and numeric summary of several fields of one object (one statement). */
export async function dimensionStats(
  q: Queryable,
  workspaceId: string,
  object: ObjectKind,
  keys: readonly string[],
): Promise<Map<string, DimensionStats>> {
  if (object !== 'EVENT') return maintainedStats(q, workspaceId, object, keys);
  const t = TABLES[object];
  const keyList = jsonParam(keys);
  const found = await rows<{ key: string } & DimensionStats>(
    q,
    sql`
      select k.key, (select count(*)::int from ${tableAs(t)} where ${t.workspaceId} = ${workspaceId}) as total,
        coalesce(s.value_count, 0)::int as "valueCount", coalesce(s.distinct_count, 0)::int as "distinctCount",
        true as "distinctCountExact", null::float8 as "distinctCountRelativeError",
        ${toFloat8(sql`s.min`)} as min, ${toFloat8(sql`s.max`)} as max, ${toFloat8(sql`s.avg`)} as avg, ${toFloat8(sql`s.sum`)} as sum
      from jsonb_array_elements_text(${keyList}) as k(key)
      left join (
        select e.key, count(*) as value_count, count(distinct e.value) as distinct_count,
          min(x.n) as min, max(x.n) as max, avg(x.n) as avg, sum(x.n) as sum
        from ${tableAs(t)}
        cross join lateral jsonb_each(${DOCUMENTS[object]}) as e(key, value)
        cross join lateral (select case when jsonb_typeof(e.value) = 'number' then e.value::numeric end as n) as x
        where ${t.workspaceId} = ${workspaceId}
          and ${anyOf(sql`e.key`, keys)}
          and jsonb_typeof(e.value) <> 'null'
        group by e.key
      ) as s on s.key = k.key`,
  );
  return new Map(found.map(({ key, ...stats }) => [key, stats]));
}

/** The most frequent values of several fields of one object, ties by value (one statement). */
export async function topValues(
  q: Queryable,
  workspaceId: string,
  object: ObjectKind,
  keys: readonly string[],
  limit: number,
): Promise<Map<string, ValueCountModel[]>> {
  if (object !== 'EVENT') return maintainedTopValues(q, workspaceId, object, keys, limit);
  const t = TABLES[object];
  const found = await rows<{ key: string; value: string; count: number }>(
    q,
    sql`
      select key, value::text as value, count from (
        select e.key, e.value, count(*)::int as count,
          row_number() over (partition by e.key order by count(*) desc, e.value) as rank
        from ${tableAs(t)}
        cross join lateral jsonb_each(${DOCUMENTS[object]}) as e(key, value)
        where ${t.workspaceId} = ${workspaceId}
          and ${anyOf(sql`e.key`, keys)}
          and jsonb_typeof(e.value) in ('string', 'number', 'boolean')
        group by e.key, e.value
      ) as ranked
      where rank <= ${limit}::int
      order by key, rank`,
  );
  return valueCountsByKey(found);
}

export interface CategoricalBreakdown {
  total: number;
  valued: number;
  top: ValueCountModel[];
}

/**
 * Value → record count of one field among the records matching `where` (null: all records); with
 * `sumOf`, also the total of that numeric field per value, and the values are ranked by it. All
 * accounts or users without `sumOf`: from the maintained statistics (unless the field is sampled);
 * otherwise one scanning statement.
 */
export async function categoricalBreakdown(
  q: Queryable,
  workspaceId: string,
  object: ObjectKind,
  key: string,
  filter: SQL | null,
  limit: number,
  sumOf: string | null = null,
): Promise<CategoricalBreakdown> {
  if (object !== 'EVENT' && filter === null && sumOf === null) {
    const [coverage, top] = await Promise.all([
      maintainedCoverage(q, workspaceId, object, key),
      maintainedTopValues(q, workspaceId, object, [key], limit),
    ]);
    // A sampled field's value rows are not all its values: its exact breakdown scans the records.
    if (!coverage.sampled) return { total: coverage.total, valued: coverage.valued, top: top.get(key) ?? [] };
  }
  const where = filter ?? sql`true`;
  const t = TABLES[object];
  const value = valueExpr(object, 't', key);
  // Summed in numeric (exact, cannot overflow near ±1.8e308) and clamped back to float8.
  const summed = sumOf === null ? null : valueExpr(object, 't', sumOf);
  const amount = summed === null ? sql`null::numeric` : sql`(case when jsonb_typeof(${summed}) = 'number' then (${summed})::numeric end)`;
  const rank = sumOf === null ? sql`count desc, val` : sql`sum desc nulls last, count desc, val`;
  const found = await rows<{ total: number; valued: number; value: string | null; count: number | null; sum: number | null }>(
    q,
    sql`
      with v as (select ${value} as val, ${amount} as amount from ${tableAs(t)} where ${t.workspaceId} = ${workspaceId} and ${where}),
        g as (select val, count(*)::int as count, ${toFloat8(sql`sum(amount)`)} as sum from v where jsonb_typeof(val) in ('string', 'number', 'boolean') group by val)
      select (select count(*)::int from v) as total, (select coalesce(sum(count), 0)::int from g) as valued,
        top.value, top.count, top.sum
      from (select 1) as one
      left join lateral (select val::text as value, count, sum from g order by ${rank} limit ${limit}::int) as top on true`,
  );
  const first = found[0];
  return {
    total: first?.total ?? 0,
    valued: first?.valued ?? 0,
    top: found
      .filter((r) => r.value !== null)
      .map((r) => ({ value: JSON.parse(r.value as string), count: r.count ?? 0, ...(sumOf === null ? {} : { sum: r.sum }) })),
  };
}

export interface Histogram {
  total: number;
  valued: number;
  min: number | null;
  max: number | null;
  /** Count per 1-based bucket index (equal width over [min, max]). */
  counts: Map<number, number>;
}

/**
 * Equal-width histogram of a numeric field among the records matching `where` (null: all records;
 * one statement). All accounts or users: from the maintained value counts (the cost follows the
 * field's distinct numeric values, not the records).
 */
export async function histogram(
  q: Queryable,
  workspaceId: string,
  object: ObjectKind,
  key: string,
  filter: SQL | null,
  buckets: number,
): Promise<Histogram> {
  const t = TABLES[object];
  const value = valueExpr(object, 't', key);
  // v: each numeric value (x) with the number of records holding it (n); s: totals and bounds.
  const maintained = object !== 'EVENT' && filter === null;
  const sources = maintained
    ? sql`v as (${maintainedNumbers(workspaceId, object, key)}),
        s as (select ${recordTotal(workspaceId, object)}::int as total, coalesce(sum(n), 0)::int as valued, min(x)::float8 as min, max(x)::float8 as max from v)`
    : sql`v as (select ${numberOf(value)} as x, 1 as n from ${tableAs(t)} where ${t.workspaceId} = ${workspaceId} and ${filter ?? sql`true`}),
        s as (select count(*)::int as total, count(x)::int as valued, min(x)::float8 as min, max(x)::float8 as max from v)`;
  const found = await rows<{
    total: number;
    valued: number;
    min: number | null;
    max: number | null;
    bucket: number | null;
    count: number | null;
  }>(
    q,
    sql`
      with ${sources}
      select s.total, s.valued, s.min, s.max, h.bucket, h.count
      from s
      left join lateral (
        -- width_bucket, computed on halves: max - min overflows float8 for bounds near ±1.8e308
        -- (and PostgreSQL 15's width_bucket then answers nonsense).
        select least(floor((x / 2 - s.min / 2) / (s.max / 2 - s.min / 2) * ${buckets}::int)::int + 1, ${buckets}::int) as bucket,
          sum(n)::int as count
        from v where x is not null and s.max > s.min group by 1
      ) as h on true`,
  );
  const first = found[0];
  const counts = new Map<number, number>();
  for (const row of found) if (row.bucket !== null && row.count !== null) counts.set(row.bucket, row.count);
  return { total: first?.total ?? 0, valued: first?.valued ?? 0, min: first?.min ?? null, max: first?.max ?? null, counts };
}

const epochMs = (expr: SQLWrapper) => sql`(extract(epoch from ${expr}) * 1000)::float8`;

/**
 * Count metrics (one per event name) and value metrics (one per numeric property), with totals and
 * distinct users/accounts, from the maintained all-time totals (`metric_reach`, `metric_reach_counts`,
 * `event_names`): the cost follows the number of metrics, not of events. Optionally only some
 * names/properties (one statement).
 */
export async function metricCatalog(
  q: Queryable,
  workspaceId: string,
  only?: { events: readonly string[]; properties: readonly string[] },
): Promise<MetricModel[]> {
  const [eventList, properties] = only ? [only.events, only.properties] : [null, null];
  const within = (column: SQLWrapper, list: readonly string[] | null) => (list ? sql`and ${anyOf(column, list)}` : sql``);
  const reached = (kind: 'COUNT' | 'VALUE', list: readonly string[] | null) => sql`(
    select ${metricReachCounts.key}, sum(${metricReachCounts.users}) as users, sum(${metricReachCounts.accounts}) as accounts
    from ${metricReachCounts}
    where ${metricReachCounts.workspaceId} = ${workspaceId} and ${metricReachCounts.kind} = ${kind} ${within(metricReachCounts.key, list)}
    group by ${metricReachCounts.key})`;
  const found = await rows<{
    kind: 'COUNT' | 'VALUE';
    name: string;
    total: number;
    eventCount: number;
    uniqueUsers: number;
    uniqueAccounts: number;
    firstMs: number | null;
    lastMs: number | null;
    eventNames: string | null;
  }>(
    q,
    sql`
      select 'COUNT' as kind, ${n.name}, ${n.eventCount}::float8 as total, ${n.eventCount}::int as "eventCount",
        coalesce(u.users, 0)::int as "uniqueUsers", coalesce(u.accounts, 0)::int as "uniqueAccounts",
        ${epochMs(n.firstAt)} as "firstMs", ${epochMs(n.lastAt)} as "lastMs", null::text as "eventNames"
      from ${eventNames} ${n}
      left join ${reached('COUNT', eventList)} as u on u.key = ${n.name}
      where ${n.workspaceId} = ${workspaceId} ${within(n.name, eventList)}
      union all
      select 'VALUE', p.key, p.total, p.events, coalesce(u.users, 0)::int, coalesce(u.accounts, 0)::int, p.first_ms, p.last_ms, p.names
      from (
        -- One row per (property, event name): the value metric's events, sum and bounds per name.
        select ${metricReach.key}, ${toFloat8(sql`sum(${metricReach.total})`)} as total, sum(${metricReach.count})::int as events,
          ${epochMs(sql`min(${metricReach.firstAt})`)} as first_ms, ${epochMs(sql`max(${metricReach.lastAt})`)} as last_ms,
          array_to_json(array_agg(${metricReach.recordId} order by ${metricReach.recordId}))::text as names
        from ${metricReach}
        where ${metricReach.workspaceId} = ${workspaceId} and ${metricReach.kind} = 'VALUE' and ${metricReach.object} = 'NAME' and ${metricReach.count} > 0
          ${within(metricReach.key, properties)}
        group by ${metricReach.key}
      ) as p
      left join ${reached('VALUE', properties)} as u on u.key = p.key
      order by 1, 2`,
  );
  return found.map((r) => ({
    kind: r.kind,
    name: r.name,
    label: r.kind === 'COUNT' ? r.name : humanLabel(r.name),
    total: r.total,
    eventCount: r.eventCount,
    uniqueUsers: r.uniqueUsers,
    uniqueAccounts: r.uniqueAccounts,
    firstSeenAt: r.firstMs === null ? null : new Date(Math.floor(r.firstMs)),
    lastSeenAt: r.lastMs === null ? null : new Date(Math.floor(r.lastMs)),
    eventNames: r.eventNames ? (JSON.parse(r.eventNames) as string[]).sort() : [],
  }));
}
