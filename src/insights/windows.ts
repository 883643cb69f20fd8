import { sql } from 'drizzle-orm';
import type { RecordKind } from '../catalog/inference.ts';
import type { Database, Queryable } from '../db/client.ts';
import { lockAttribution } from '../ingest/queries.ts';
import { dayCondition, type MetricSpec, recordMetricSource, rollupKey } from './metrics.ts';
import { addDays, type DayRange, dayOf } from './time.ts';

// Maintained windows: per-record totals of a count metric over the standard windows, so that
// "top N accounts by sign-ins over the last 30 days" reads an index instead of grouping every
// rollup row of the window. Created by the first read that needs one, then kept exact by every
// write that changes `metric_daily` (src/ingest/queries.ts, `applyWindowDeltas`), in the write's
// own transaction. Tables: `metric_windows`, `metric_window_totals` (src/db/schema.ts).

/** Window lengths, in days, kept as maintained totals. */
export const STANDARD_WINDOW_DAYS: readonly number[] = [7, 30, 90];

/**
 * Whether a ranking over `days` is answered from a maintained window: a COUNT of a count metric,
 * in UTC days, over 7, 30 or 90 days that end today or yesterday (`lastDays: N`, or `from`/`to`
 * ending at the current instant or at today's midnight).
 */
export function isStandardWindow(spec: MetricSpec, days: DayRange, timeZone: string, now: Date): boolean {
  if (spec.kind !== 'COUNT' || spec.aggregate !== 'COUNT' || timeZone !== 'UTC') return false;
  const today = dayOf(now);
  if (days.lastDay !== today && days.lastDay !== addDays(today, -1)) return false;
  return STANDARD_WINDOW_DAYS.some((n) => addDays(days.lastDay, -(n - 1)) === days.firstDay);
}

/** Windows known to exist, per database handle (a window is only dropped once it can no longer be asked for). */
const known = new WeakMap<object, Set<string>>();

/**
 * Make sure the window exists, creating its totals from the rollups if it does not. Creation takes
 * the workspace's attribution lock exclusively, so no event batch or link change is in flight while
 * the totals are summed, and every later write sees the window and maintains it. Windows that ended
 * before yesterday are dropped at the same time (they can no longer be a standard window).
 */
export async function ensureWindow(
  database: Pick<Database, 'db'>,
  workspaceId: string,
  object: RecordKind,
  name: string,
  days: DayRange,
  now: Date,
): Promise<void> {
  const key = JSON.stringify([workspaceId, object, name, days.firstDay, days.lastDay]);
  const seen = known.get(database.db) ?? new Set<string>();
  known.set(database.db, seen);
  if (seen.has(key)) return;
  await database.db.transaction(async (tx) => {
    await lockAttribution(tx, workspaceId, 'exclusive');
    await createWindow(tx, workspaceId, object, name, days, addDays(dayOf(now), -1));
  });
  seen.add(key);
}

/** One statement: register the window, sum its totals (if it is new), drop windows that ended before `oldestKept`. */
async function createWindow(q: Queryable, workspaceId: string, object: RecordKind, name: string, days: DayRange, oldestKept: string) {
  const recordKey = rollupKey(object, 'r');
  // Accounts from the per-account rollup (one row per account and day), users from the per-user one.
  const source = recordMetricSource(workspaceId, object, { kind: 'COUNT', event: name, property: null, aggregate: 'COUNT' }, days);
  await q.execute(sql`
    with made as (
      insert into metric_windows (workspace_id, object, name, first_day, last_day)
      values (${workspaceId}, ${object}, ${name}, ${days.firstDay}::date, ${days.lastDay}::date)
      on conflict do nothing
      returning 1
    ), totals as (
      insert into metric_window_totals (workspace_id, name, object, first_day, last_day, record_id, count)
      select ${workspaceId}, ${name}, ${object}, ${days.firstDay}::date, ${days.lastDay}::date, ${recordKey}, sum(r.count)
      from ${source}
      where exists (select 1 from made) and ${dayCondition(days)} and ${recordKey} is not null
      group by ${recordKey}
      order by ${recordKey}
      returning 1
    ), stale as (
      delete from metric_windows w
      where w.workspace_id = ${workspaceId} and w.last_day < ${oldestKept}::date
      returning w.name, w.object, w.first_day, w.last_day
    )
    delete from metric_window_totals t using stale s
    where t.workspace_id = ${workspaceId} and t.name = s.name and t.object = s.object and t.first_day = s.first_day and t.last_day = s.last_day`);
}

/** The window's totals as the metric source `r` of a ranking: columns `rid` and `v`. */
export function windowTotals(workspaceId: string, object: RecordKind, name: string, days: DayRange) {
  return sql`(select record_id as rid, count::float8 as v from metric_window_totals
    where workspace_id = ${workspaceId} and name = ${name}::text and object = ${object}
      and first_day = ${days.firstDay}::date and last_day = ${days.lastDay}::date)`;
}
