import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { MetricAggregate, MetricRef } from '../__generated__/types.ts';
import { toFloat8 } from '../db/client.ts';
import { accountDaily, events, metricDaily, propertyDaily, users } from '../db/schema.ts';
import { alias, columnName, tableAs } from '../db/sql.ts';
import { assertStorable, badUserInput } from '../errors.ts';
import type { RecordKind } from '../vocabulary.ts';
import type { Aggregate, Interval } from './models.ts';
import { addDays, type DayRange, isUtc, startOfDay } from './time.ts';

// Metric SQL over the per-day rollups. A metric is a "source" subquery `r` with the rollup's
// columns (workspace_id, day, user_id, account_id and count | n/sum/min/max/last_at/last_value);
// callers add the day range and scope and pick an aggregate expression.

export type { Aggregate };

/**
 * The rows of a metric source `r`, as the count rollup's columns. Every source names `day`,
 * `user_id` and `account_id` like `metric_daily` (property_daily, account_daily and the zoned
 * events alike), so any source reads them through this alias.
 */
export const metricRows = alias(metricDaily, 'r');
const r = metricRows;
/** The rows of a value metric's source `r` (property_daily's columns: n, sum, min, max, last_at, last_value). */
const rv = alias(propertyDaily, 'r');
const e = alias(events, 'e');
const u = alias(users, 'u');

// The domain's aggregates and the schema's enum are the same set: a value added to or removed
// from either side fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type AggregatesMatchSchema = Assert<Same<Aggregate, MetricAggregate>>;

const COUNT_AGGREGATES: readonly Aggregate[] = ['COUNT', 'UNIQUE_USERS', 'UNIQUE_ACCOUNTS'];
const VALUE_AGGREGATES: readonly Aggregate[] = ['COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'LAST'];

/** A validated metric reference with its aggregate. */
export interface MetricSpec {
  kind: 'COUNT' | 'VALUE';
  /** Event name (count metric, or the event a value metric is restricted to). */
  event: string | null;
  /** Property key of a value metric. */
  property: string | null;
  aggregate: Aggregate;
}

export function metricSpec(ref: MetricRef, aggregate: Aggregate | null | undefined, argument = 'metric'): MetricSpec {
  const event = ref.event?.trim() ? ref.event : null;
  const property = ref.property?.trim() ? ref.property : null;
  const agg = aggregate ?? 'COUNT';
  if (ref.event != null) assertStorable(ref.event, `${argument}.event`);
  if (ref.property != null) assertStorable(ref.property, `${argument}.property`);
  if (!event && !property) throw badUserInput('A metric needs an `event` (count metric) or a `property` (value metric).', { argument });
  if (property) {
    if (!VALUE_AGGREGATES.includes(agg)) {
      throw badUserInput(`${agg} does not apply to the value metric \`${property}\`; use ${VALUE_AGGREGATES.join(', ')}.`, {
        argument: 'aggregate',
      });
    }
    return { kind: 'VALUE', event, property, aggregate: agg };
  }
  if (!COUNT_AGGREGATES.includes(agg)) {
    throw badUserInput(`${agg} does not apply to the count metric \`${event}\`; use ${COUNT_AGGREGATES.join(', ')}.`, {
      argument: 'aggregate',
    });
  }
  return { kind: 'COUNT', event, property: null, aggregate: agg };
}

/** Aggregates that are 0 when nothing happened; the others (AVG, MIN, MAX, LAST) have no value then. */
export function zeroWhenEmpty(aggregate: Aggregate): boolean {
  return aggregate === 'COUNT' || aggregate === 'SUM' || aggregate === 'UNIQUE_USERS' || aggregate === 'UNIQUE_ACCOUNTS';
}

/** The aggregate over the source rows `r` in a group, as float8 (sums in numeric: `r.sum` is numeric). */
export function aggregateExpr(spec: MetricSpec): SQL {
  if (spec.kind === 'COUNT') {
    if (spec.aggregate === 'UNIQUE_USERS') return sql`count(distinct ${r.userId})::float8`;
    if (spec.aggregate === 'UNIQUE_ACCOUNTS') return sql`count(distinct ${r.accountId})::float8`;
    // Counts are whole numbers far below 2^53: a float8 sum is exact and cheaper than numeric.
    return sql`sum(${r.count}::float8)`;
  }
  switch (spec.aggregate) {
    case 'SUM':
      return toFloat8(sql`sum(${rv.sum})`);
    case 'AVG':
      return toFloat8(sql`sum(${rv.sum}) / nullif(sum(${rv.n}), 0)`);
    case 'MIN':
      return sql`min(${rv.min})::float8`;
    case 'MAX':
      return sql`max(${rv.max})::float8`;
    case 'LAST':
      return sql`((array_agg(${rv.lastValue} order by ${rv.lastAt} desc, ${rv.day} desc, ${rv.userId} desc))[1])::float8`;
    default:
      return sql`sum(${rv.n})::float8`;
  }
}

/** Rollup rows of one metric in one workspace, as `r`. */
export function rollupSource(workspaceId: string, spec: MetricSpec): SQL {
  if (spec.kind === 'COUNT')
    return sql`(select * from ${metricDaily}
      where ${metricDaily.workspaceId} = ${workspaceId} and ${metricDaily.name} = ${spec.event}::text) as ${r}`;
  const event = spec.event ? sql`and ${propertyDaily.name} = ${spec.event}::text` : sql``;
  return sql`(select * from ${propertyDaily}
    where ${propertyDaily.workspaceId} = ${workspaceId} and ${propertyDaily.property} = ${spec.property}::text ${event}) as ${r}`;
}

/**
 * The same columns computed from raw events with days in a non-UTC zone (rollup days are UTC).
 * Events without an explicit account count for their user's current account, like the rollups.
 */
export function zonedEventSource(workspaceId: string, spec: MetricSpec, days: DayRange, timeZone: string): SQL {
  const start = startOfDay(days.firstDay, timeZone).toISOString();
  const end = startOfDay(addDays(days.lastDay, 1), timeZone).toISOString();
  // The columns are named like the rollup's (they are read through `metricRows` and `rv`).
  const common = sql`
    (${e.occurredAt} at time zone ${timeZone}::text)::date as ${columnName(r.day)}, ${e.userId},
    coalesce(${e.accountId}, ${u.accountId}) as ${columnName(r.accountId)}`;
  const from = sql`
    from ${tableAs(e)} left join ${tableAs(u)} on ${u.workspaceId} = ${e.workspaceId} and ${u.id} = ${e.userId}
    where ${e.workspaceId} = ${workspaceId} and ${e.occurredAt} >= ${start}::timestamptz and ${e.occurredAt} < ${end}::timestamptz`;
  if (spec.kind === 'COUNT') {
    return sql`(select ${common}, 1::bigint as ${columnName(r.count)}, ${e.occurredAt} as ${columnName(r.lastAt)}
      ${from} and ${e.name} = ${spec.event}::text) as ${r}`;
  }
  const value = sql`(${e.properties} -> ${spec.property}::text)`;
  const event = spec.event ? sql`and ${e.name} = ${spec.event}::text` : sql``;
  return sql`(select ${common}, 1::bigint as ${columnName(rv.n)}, ${value}::numeric as ${columnName(rv.sum)},
    ${value}::float8 as ${columnName(rv.min)}, ${value}::float8 as ${columnName(rv.max)},
    ${e.occurredAt} as ${columnName(rv.lastAt)}, ${value}::float8 as ${columnName(rv.lastValue)}
    ${from} and jsonb_typeof(${value}) = 'number' ${event}) as ${r}`;
}

/** Rows with the rollup's record columns: `metric_daily` itself, or an alias of it (such as `metricRows`). */
export interface RollupRows {
  accountId: PgColumn;
  userId: PgColumn;
}

/**
 * The rollup column that attributes activity to a record of `object` (`account_id`: the effective
 * account; `user_id`), of `rows` (`metric_daily` unaliased, or an alias of it such as the source
 * `r`). The one place that maps an object to its rollup column.
 */
export function rollupKey(object: RecordKind, rows: RollupRows = metricDaily): PgColumn {
  return object === 'ACCOUNT' ? rows.accountId : rows.userId;
}

export function metricSource(workspaceId: string, spec: MetricSpec, days: DayRange | null, timeZone: string): SQL {
  return days && !isUtc(timeZone) ? zonedEventSource(workspaceId, spec, days, timeZone) : rollupSource(workspaceId, spec);
}

/**
 * The source of a query that reads a count metric's COUNT per account only (columns `day`,
 * `account_id`, `count`; no user): the per-account daily rollup, one row per account and day.
 * Falls back to `metricSource` for anything else (other aggregates, value metrics, non-UTC days).
 */
export function accountMetricSource(workspaceId: string, spec: MetricSpec, days: DayRange | null, timeZone: string): SQL {
  if (spec.kind !== 'COUNT' || spec.aggregate !== 'COUNT' || (days && !isUtc(timeZone)))
    return metricSource(workspaceId, spec, days, timeZone);
  return sql`(select ${accountDaily.day}, ${accountDaily.accountId}, ${accountDaily.count} from ${accountDaily}
    where ${accountDaily.workspaceId} = ${workspaceId} and ${accountDaily.name} = ${spec.event}::text) as ${r}`;
}

/** The source of a metric read per record of `object` in UTC days: accounts read the per-account rollup where it suffices. */
export function recordMetricSource(workspaceId: string, object: RecordKind, spec: MetricSpec, days: DayRange | null): SQL {
  return object === 'ACCOUNT' ? accountMetricSource(workspaceId, spec, days, 'UTC') : metricSource(workspaceId, spec, days, 'UTC');
}

export function dayCondition(days: DayRange | null): SQL {
  return days ? sql`${r.day} >= ${days.firstDay}::date and ${r.day} <= ${days.lastDay}::date` : sql`true`;
}

/** The bucket (a date) a source row falls in. */
export function bucketExpr(interval: Interval): SQL {
  if (interval === 'WEEK') return sql`date_trunc('week', ${r.day}::timestamp)::date`;
  if (interval === 'MONTH') return sql`date_trunc('month', ${r.day}::timestamp)::date`;
  return sql`${r.day}`;
}
