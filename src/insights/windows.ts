import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { type Database, jsonParam, type Queryable, rows } from '../db/client.ts';
import { metricDaily, metricWindowMembers, metricWindows, metricWindowTotals } from '../db/schema.ts';
import { alias, anyOf, columnList, columnName, tableAs } from '../db/sql.ts';
import { lockAttribution } from '../rollups/statements.ts';
import type { RecordKind } from '../vocabulary.ts';
import { type MetricSpec, rollupKey } from './metrics.ts';
import { addDays, type DayRange, dayOf } from './time.ts';

// Maintained windows: per-record totals of a count metric over the standard windows, so that
// "top N accounts by sign-ins (or by unique users) over the last 30 days" and the activity
// measures (active users, activity, usage change, seat utilisation) read an index instead of
// grouping every rollup row of the window. Created by the first read that needs one, then kept
// exact by every write that changes `metric_daily` (src/rollups/statements.ts, `applyWindowDeltas`), in
// the write's own transaction. Tables: `metric_windows`, `metric_window_totals`,
// `metric_window_members` (src/db/schema.ts).

/** A window's totals as `w` (what `windowCondition` selects by default, and rankings read). */
export const windowRows = alias(metricWindowTotals, 'w');
const w = windowRows;
/** The rollup rows a new window sums. */
const r = alias(metricDaily, 'r');
/** Windows being dropped (`w`), and the rows of the `stale` CTE that returns their keys (`s`). */
const dropped = alias(metricWindows, 'w');
const stale = alias(metricWindows, 's');
const staleMembers = alias(metricWindowMembers, 'm');
const staleTotals = alias(metricWindowTotals, 't');

/** Window lengths, in days, kept as maintained totals. */
export const STANDARD_WINDOW_DAYS: readonly number[] = [7, 30, 90];

/** What a window counts: the events of one name, or the workspace's activity events (a set). */
export interface WindowMetric {
  kind: 'EVENT' | 'ACTIVITY';
  /** The event name (EVENT), or `activity` (ACTIVITY: one window per object and days, whatever the set). */
  name: string;
  names: readonly string[];
}

export function eventWindow(name: string): WindowMetric {
  return { kind: 'EVENT', name, names: [name] };
}

/**
 * The window of the workspace's activity events. Another set (a new activity event name, a change
 * of meanings) retargets the same window (`retargetWindow`): the derived state stays one window
 * per object and days however many names a sender invents, and a new name costs its own events.
 */
export function activityWindow(names: readonly string[]): WindowMetric {
  return { kind: 'ACTIVITY', name: 'activity', names: [...new Set(names)].sort() };
}

/** Whether `days` are a standard window: 7, 30 or 90 UTC days ending today or yesterday. */
export function isStandardDays(days: DayRange, now: Date): boolean {
  const today = dayOf(now);
  if (days.lastDay !== today && days.lastDay !== addDays(today, -1)) return false;
  return STANDARD_WINDOW_DAYS.some((n) => addDays(days.lastDay, -(n - 1)) === days.firstDay);
}

/**
 * Whether a ranking over `days` is answered from a maintained window: the COUNT of a count metric
 * (accounts or users), or its UNIQUE_USERS per account, in UTC days, over a standard window
 * (`lastDays: N`, or `from`/`to` ending at the current instant or at today's midnight).
 */
export function isStandardWindow(object: RecordKind, spec: MetricSpec, days: DayRange, timeZone: string, now: Date): boolean {
  if (spec.kind !== 'COUNT' || spec.event === null || timeZone !== 'UTC') return false;
  if (spec.aggregate !== 'COUNT' && !(spec.aggregate === 'UNIQUE_USERS' && object === 'ACCOUNT')) return false;
  return isStandardDays(days, now);
}

/**
 * The smallest standard window ending today that contains `days`, for a ranking by the COUNT of a
 * count metric over any other UTC window of the last 90 days: each record's total over that window
 * is an upper bound of its total over `days` (counts are never negative), so a top N can be found
 * among the window's leading records instead of grouping every rollup row of `days`
 * (`pageByBound`). Null when no standard window contains `days`.
 */
export function boundingDays(spec: MetricSpec, days: DayRange, timeZone: string, now: Date): DayRange | null {
  if (spec.kind !== 'COUNT' || spec.event === null || spec.aggregate !== 'COUNT' || timeZone !== 'UTC') return null;
  const today = dayOf(now);
  if (days.lastDay > today) return null;
  const n = STANDARD_WINDOW_DAYS.find((n) => addDays(today, -(n - 1)) <= days.firstDay);
  return n === undefined ? null : { firstDay: addDays(today, -(n - 1)), lastDay: today };
}

/** A totals column a ranking reads (a key of `metric_window_totals`): events, or an account's users with at least one. */
export type RankColumn = 'count' | 'users';

/** The totals column a ranking by `spec` reads: events, or an account's users with at least one. */
export function rankColumn(spec: MetricSpec): RankColumn {
  return spec.aggregate === 'UNIQUE_USERS' ? 'users' : 'count';
}

/**
 * Windows known to exist (or being made), per database handle: concurrent reads of one request
 * (the views' previews) wait for the same creation instead of each making it. A window is only
 * dropped once it can no longer be asked for, and so is its entry here (swept when a window is
 * made); a failed creation is forgotten, so the next read retries.
 */
interface KnownWindow {
  keptUntil: string;
  made: Promise<void>;
  /** The names it counts, as made or retargeted here (JSON of the sorted set). */
  names: string;
}
const known = new WeakMap<object, Map<string, KnownWindow>>();

/**
 * Make sure the window exists, creating its totals from the rollups if it does not. Creation takes
 * the workspace's attribution lock exclusively, so no event batch or link change is in flight while
 * the totals are summed, and every later write sees the window and maintains it. `keptUntil` is the
 * last day the window can be asked for (the day after its last day, for a window ending today; the
 * day after the current window's last day, for the window before it); windows past theirs are
 * dropped at the same time.
 */
export function ensureWindow(
  database: Pick<Database, 'db'>,
  workspaceId: string,
  object: RecordKind,
  metric: WindowMetric,
  days: DayRange,
  keptUntil: string,
  now: Date,
): Promise<void> {
  const key = JSON.stringify([workspaceId, object, metric.kind, metric.name, days.firstDay, days.lastDay, keptUntil]);
  const names = JSON.stringify(metric.names);
  const windows = known.get(database.db) ?? new Map<string, KnownWindow>();
  known.set(database.db, windows);
  const found = windows.get(key);
  // Known with the same names: nothing to do. (With other names, another instance may have
  // retargeted it since: `retargetWindow` compares with what is stored.) Not covered: another
  // instance retargets an activity window away and the set then changes back to the names this
  // instance knows it with; this instance reads it unretargeted until a read elsewhere, or the
  // next day, retargets it. Closing it needs the window's names read with the request's
  // semantics (one statement) rather than remembered here.
  if (found?.names === names) return found.made;
  const today = dayOf(now);
  for (const [k, w] of windows) if (w.keptUntil < today) windows.delete(k);
  const made = database.db.transaction(async (tx) => {
    await lockAttribution(tx, workspaceId, 'exclusive');
    if (await createWindow(tx, workspaceId, object, metric, days, keptUntil, today)) {
      // The planner's statistics do not know the new window yet: they would cost it at one row, and
      // a ranking could sort the whole window instead of walking its rank index until autovacuum
      // analyzes the table. (ANALYZE counts the transaction's own rows; an autovacuum in its way is
      // cancelled by the server.)
      await tx.execute(sql`analyze ${metricWindowTotals}`);
    } else if (metric.kind === 'ACTIVITY') {
      await retargetWindow(tx, workspaceId, object, metric, days);
    }
  });
  made.catch(() => windows.delete(key));
  windows.set(key, { keptUntil, made, names });
  return made;
}

/** The window of a ranking over `days` (kept while it can be asked for: until the day after its last day). */
export function ensureRankingWindow(
  database: Pick<Database, 'db'>,
  workspaceId: string,
  object: RecordKind,
  spec: MetricSpec,
  days: DayRange,
  now: Date,
) {
  return ensureWindow(database, workspaceId, object, eventWindow(spec.event ?? ''), days, addDays(days.lastDay, 1), now);
}

/** The same window one day earlier (`p`): its members (accounts) or totals (users) seed a rolled window. */
const previous = alias(metricWindows, 'p');
const previousMembers = alias(metricWindowMembers, 'pm');
const previousTotals = alias(metricWindowTotals, 'pt');

/**
 * One statement: register the window (or extend how long it is kept), sum its totals and, for
 * accounts, each user's events (if it is new), and drop the windows no longer kept on `today`.
 * A window that rolls forward (the same window one day earlier still kept, as yesterday's window
 * is on the first read of a day) starts from that window's rows, less the day that left it, plus
 * the day that entered it: about two days of rollups, not the whole window's. True when the
 * window was made.
 */
async function createWindow(
  q: Queryable,
  workspaceId: string,
  object: RecordKind,
  metric: WindowMetric,
  days: DayRange,
  keptUntil: string,
  today: string,
): Promise<boolean> {
  const recordKey = rollupKey(object, r);
  const accounts = object === 'ACCOUNT';
  const mw = metricWindows;
  const mm = metricWindowMembers;
  const mt = metricWindowTotals;
  // Accounts: one row per account and user (the members); users: one row per user.
  const before: DayRange = { firstDay: addDays(days.firstDay, -1), lastDay: addDays(days.lastDay, -1) };
  // Each branch starts with conditions of its own (one-time filters): a window that exists reads
  // nothing; a rolled window reads its seed and two days; a new one, the whole range.
  const made = sql`exists (select 1 from made)`;
  const rolled = sql`exists (select 1 from ${tableAs(previous)} where ${windowCondition(workspaceId, object, metric, before, previous)}
    and ${previous.names} = ${namesArray(metric)})`;
  const rollups = (when: SQL, sign: number, first: string, last: string) => sql`
        select ${recordKey} as record_id, ${accounts ? sql`${r.userId}` : sql`null::text`} as user_id, ${sign}::int * ${r.count} as count
        from ${tableAs(r)}
        where ${when} and ${r.workspaceId} = ${workspaceId} and ${anyOf(r.name, metric.names)}
          and ${r.day} >= ${first}::date and ${r.day} <= ${last}::date and ${recordKey} is not null`;
  const pm = previousMembers;
  const pt = previousTotals;
  const seed = accounts
    ? sql`select ${pm.accountId} as record_id, ${pm.userId} as user_id, ${pm.count} as count from ${tableAs(pm)}
        where ${pm.workspaceId} = ${workspaceId} and ${pm.kind} = ${metric.kind} and ${pm.name} = ${metric.name}::text
          and ${pm.firstDay} = ${before.firstDay}::date and ${pm.lastDay} = ${before.lastDay}::date`
    : sql`select ${pt.recordId} as record_id, null::text as user_id, ${pt.count} as count from ${tableAs(pt)}
        where ${windowCondition(workspaceId, object, metric, before, pt)}`;
  const source = sql`
      select record_id, user_id, sum(count) as count
      from (
        ${seed} and ${made} and ${rolled}
        union all ${rollups(sql`${made} and ${rolled}`, -1, before.firstDay, before.firstDay)}
        union all ${rollups(sql`${made} and ${rolled}`, 1, days.lastDay, days.lastDay)}
        union all ${rollups(sql`${made} and not ${rolled}`, 1, days.firstDay, days.lastDay)}
      ) as delta
      group by 1, 2
      having sum(count) > 0`;
  const m = staleMembers;
  const t = staleTotals;
  const s = stale;
  const [result] = await rows<{ made: number }>(
    q,
    sql`
    with made as (
      insert into ${mw} (${columnList(mw.workspaceId, mw.kind, mw.object, mw.name, mw.firstDay, mw.lastDay, mw.names, mw.keptUntil)})
      values (${workspaceId}, ${metric.kind}, ${object}, ${metric.name}::text, ${days.firstDay}::date, ${days.lastDay}::date,
        ${namesArray(metric)}, ${keptUntil}::date)
      on conflict do nothing
      returning 1
    ), kept as (
      -- (The statement's snapshot does not see the row inserted above: this updates an existing window only.)
      update ${mw} set ${columnName(mw.keptUntil)} = greatest(${mw.keptUntil}, ${keptUntil}::date)
      where ${windowCondition(workspaceId, object, metric, days, mw)}
      returning 1
    ), source as materialized (${source}
    ), members as (
      insert into ${mm} (${columnList(mm.workspaceId, mm.kind, mm.name, mm.firstDay, mm.lastDay, mm.accountId, mm.userId, mm.count)})
      select ${workspaceId}, ${metric.kind}, ${metric.name}::text, ${days.firstDay}::date, ${days.lastDay}::date, record_id, user_id, count
      from source where user_id is not null
      order by record_id, user_id
      returning 1
    ), totals as (
      insert into ${mt} (${columnList(mt.workspaceId, mt.kind, mt.name, mt.object, mt.firstDay, mt.lastDay, mt.recordId, mt.count, mt.users)})
      select ${workspaceId}, ${metric.kind}, ${metric.name}::text, ${object}, ${days.firstDay}::date, ${days.lastDay}::date, record_id,
        sum(count), ${accounts ? sql`count(*)` : sql`0`}
      from source
      group by record_id
      order by record_id
      returning 1
    ), stale as (
      delete from ${tableAs(dropped)}
      where ${dropped.workspaceId} = ${workspaceId} and ${dropped.keptUntil} < ${today}::date
        and not (${windowCondition(workspaceId, object, metric, days, dropped)})
      returning ${dropped.kind}, ${dropped.name}, ${dropped.object}, ${dropped.firstDay}, ${dropped.lastDay}
    ), stale_members as (
      delete from ${tableAs(m)} using stale ${s}
      where ${m.workspaceId} = ${workspaceId} and ${s.object} = 'ACCOUNT' and ${m.kind} = ${s.kind} and ${m.name} = ${s.name}
        and ${m.firstDay} = ${s.firstDay} and ${m.lastDay} = ${s.lastDay}
      returning 1
    ), stale_totals as (
      delete from ${tableAs(t)} using stale ${s}
      where ${t.workspaceId} = ${workspaceId} and ${t.kind} = ${s.kind} and ${t.name} = ${s.name} and ${t.object} = ${s.object}
        and ${t.firstDay} = ${s.firstDay} and ${t.lastDay} = ${s.lastDay}
      returning 1
    )
    select count(*)::int as made from made`,
  );
  return (result?.made ?? 0) > 0;
}

/** The window's names as a text[] (sorted, as `metric_windows.names` holds them). */
const namesArray = (metric: WindowMetric): SQL => sql`array(select jsonb_array_elements_text(${jsonParam(metric.names)}))`;

/**
 * The activity window counting other names than `metric.names` (they changed: a new activity
 * event name, a change of meanings) made to count those: the events of the names it gains are
 * added, those of the names it loses taken away, over its days; then each account's distinct users.
 * Costs the events of the names that changed, not the window's. A no-op when the names agree.
 */
async function retargetWindow(q: Queryable, workspaceId: string, object: RecordKind, metric: WindowMetric, days: DayRange): Promise<void> {
  const recordKey = rollupKey(object, r);
  const accounts = object === 'ACCOUNT';
  const mw = metricWindows;
  const mm = metricWindowMembers;
  const mt = metricWindowTotals;
  const names = namesArray(metric);
  await q.execute(sql`
    with stored as (
      select ${mw.names} as names from ${mw} where ${windowCondition(workspaceId, object, metric, days, mw)} and ${mw.names} <> ${names}
    ), retargeted as (
      update ${mw} set ${columnName(mw.names)} = ${names} where ${windowCondition(workspaceId, object, metric, days, mw)} and ${mw.names} <> ${names}
      returning 1
    ), delta as materialized (
      select ${recordKey} as record_id, ${accounts ? sql`${r.userId}` : sql`null::text`} as user_id,
        sum(case when ${r.name} = any(${names}) then ${r.count} else -${r.count} end) as count
      from ${tableAs(r)}, stored
      where ${r.workspaceId} = ${workspaceId} and ${r.day} >= ${days.firstDay}::date and ${r.day} <= ${days.lastDay}::date
        and (${r.name} = any(${names})) <> (${r.name} = any(stored.names)) and ${recordKey} is not null
      group by 1, 2
      having sum(case when ${r.name} = any(${names}) then ${r.count} else -${r.count} end) <> 0
    ), members as (
      insert into ${mm} (${columnList(mm.workspaceId, mm.kind, mm.name, mm.firstDay, mm.lastDay, mm.accountId, mm.userId, mm.count)})
      select ${workspaceId}, ${metric.kind}, ${metric.name}::text, ${days.firstDay}::date, ${days.lastDay}::date, record_id, user_id, count
      from delta where user_id is not null
      order by record_id, user_id
      on conflict (${columnList(mm.workspaceId, mm.kind, mm.name, mm.firstDay, mm.lastDay, mm.accountId, mm.userId)}) do update set
        ${columnName(mm.count)} = ${mm.count} + excluded.${columnName(mm.count)},
        ${columnName(mm.previousCount)} = ${mm.count}
      returning ${mm.accountId}, ${mm.count}, ${mm.previousCount}
    ), active as (
      -- An account's users with at least one event: +1 for a member that gained its first, -1 for one that lost its last.
      select account_id as record_id, sum((count > 0)::int - (previous_count > 0)::int) as n from members group by 1
    ), counts as (
      select record_id, sum(count) as count from delta group by 1
    )
    insert into ${mt} (${columnList(mt.workspaceId, mt.kind, mt.name, mt.object, mt.firstDay, mt.lastDay, mt.recordId, mt.count, mt.users)})
    select ${workspaceId}, ${metric.kind}, ${metric.name}::text, ${object}, ${days.firstDay}::date, ${days.lastDay}::date, record_id,
      coalesce(counts.count, 0), coalesce(active.n, 0)
    from counts full join active using (record_id)
    order by record_id
    on conflict (${columnList(mt.workspaceId, mt.kind, mt.name, mt.object, mt.firstDay, mt.lastDay, mt.recordId)}) do update set
      ${columnName(mt.count)} = ${mt.count} + excluded.${columnName(mt.count)},
      ${columnName(mt.users)} = ${mt.users} + excluded.${columnName(mt.users)}`);
}

/** Rows keyed by a window (`metric_window_totals`, `metric_windows`, or an alias of one). */
export interface WindowKeyed {
  workspaceId: PgColumn;
  kind: PgColumn;
  name: PgColumn;
  object: PgColumn;
  firstDay: PgColumn;
  lastDay: PgColumn;
}

/** The condition selecting one window's rows of `rows` (by default its totals, alias `w`). */
export function windowCondition(
  workspaceId: string,
  object: RecordKind,
  metric: WindowMetric,
  days: DayRange,
  rows: WindowKeyed = windowRows,
): SQL {
  return sql`${rows.workspaceId} = ${workspaceId} and ${rows.kind} = ${metric.kind} and ${rows.name} = ${metric.name}::text
    and ${rows.object} = ${object}
    and ${rows.firstDay} = ${days.firstDay}::date and ${rows.lastDay} = ${days.lastDay}::date`;
}

/** The window's totals as the metric source `r` of a ranking: columns `rid` and `v`. */
export function windowTotals(workspaceId: string, object: RecordKind, spec: MetricSpec, days: DayRange) {
  const column = w[rankColumn(spec)];
  return sql`(select ${w.recordId} as rid, ${column}::float8 as v from ${tableAs(w)}
    where ${windowCondition(workspaceId, object, eventWindow(spec.event ?? ''), days)})`;
}

/**
 * Per record: active users, activity events in the current window and in the previous one, from
 * the two maintained activity windows (columns `rid`, `active`, `current`, `previous`). A user is
 * active in their own window when they have an event there.
 */
export function activityTotals(
  workspaceId: string,
  object: RecordKind,
  metric: WindowMetric,
  current: DayRange,
  previous: DayRange,
  ids: readonly string[] | null,
): SQL {
  const inCurrent = sql`${w.firstDay} = ${current.firstDay}::date`;
  const active = object === 'ACCOUNT' ? sql`${w.users}` : sql`(${w.count} > 0)::int`;
  return sql`
    select ${w.recordId} as rid,
      coalesce(sum(${active}) filter (where ${inCurrent}), 0)::float8 as active,
      coalesce(sum(${w.count}) filter (where ${inCurrent}), 0)::float8 as current,
      coalesce(sum(${w.count}) filter (where not ${inCurrent}), 0)::float8 as previous
    from ${tableAs(w)}
    where ((${windowCondition(workspaceId, object, metric, current)}) or (${windowCondition(workspaceId, object, metric, previous)}))
      ${ids ? sql`and ${anyOf(w.recordId, ids)}` : sql``}
    group by 1`;
}
