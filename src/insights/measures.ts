import { type SQL, sql } from 'drizzle-orm';
import type { Measure, MeasureFilter, MeasureOrder } from '../__generated__/types.ts';
import { numberOf } from '../catalog/filters.ts';
import { catalogLoaders } from '../catalog/loaders.ts';
import { activityEvents, fieldFor, type Semantics } from '../catalog/meaning.ts';
import { type Context, perRequest } from '../context.ts';
import { rows } from '../db/client.ts';
import { type AccountRow, metricDaily, type UserRow, users } from '../db/schema.ts';
import { alias, anyOf, recordAliases, tableAs } from '../db/sql.ts';
import { badUserInput } from '../errors.ts';
import { groupedLoader, keyOf } from '../loaders.ts';
import type { RecordKind } from '../vocabulary.ts';
import { rollupKey } from './metrics.ts';
import type { RankedWindow } from './queries.ts';
import { addDays, type DayRange, dayOf, startOfDay, type WindowInput, windowDays } from './time.ts';
import { activityTotals, activityWindow, ensureWindow, isStandardDays } from './windows.ts';

// Measures derived from meaning (docs/views.md): active users, activity, usage change, seat
// utilisation, days until renewal, users added. Each is computed two ways from ONE definition of
// its inputs: per record through batched loaders (fields on Account/User, view previews), and as
// SQL joined into a page of records (ordering and filters). Both read the per-day rollups.

export type { Measure };

export const DEFAULT_WINDOW: WindowInput = { lastDays: 30 };

const ACCOUNT_ONLY: readonly Measure[] = ['SEAT_UTILIZATION', 'DAYS_UNTIL_RENEWAL', 'USERS_ADDED'];

/** Per kind: the records of a page, as `t`. */
const RECORDS = recordAliases('t');
const u = alias(users, 'u');

/** A window and the previous window of the same length. */
export interface MeasureWindow {
  current: DayRange;
  previous: DayRange;
}

export function measureWindow(window: WindowInput | null | undefined, now: Date): MeasureWindow {
  const current = windowDays(window ?? DEFAULT_WINDOW, now);
  const length = Math.round((Date.parse(current.lastDay) - Date.parse(current.firstDay)) / 86_400_000) + 1;
  return { current, previous: { firstDay: addDays(current.firstDay, -length), lastDay: addDays(current.firstDay, -1) } };
}

/** The inputs every measure reads, resolved from the workspace's meanings. */
export interface MeasureInputs {
  /** Event names whose role is activity. */
  activity: string[];
  /** Account field holding seats, renewal date; user field holding the sign-up date. */
  seats: string | null;
  renewal: string | null;
  userCreated: string | null;
}

export function measureInputs(s: Semantics): MeasureInputs {
  return {
    activity: activityEvents(s),
    seats: fieldFor(s, 'ACCOUNT', ['SEATS'])?.key ?? null,
    renewal: fieldFor(s, 'ACCOUNT', ['RENEWAL_DATE'])?.key ?? null,
    userCreated: fieldFor(s, 'USER', ['CREATED_AT'])?.key ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// SQL shared by both ways
// ---------------------------------------------------------------------------------------------

/** Per record: distinct active users and activity events in the window, activity in the previous window. */
function activitySelect(
  workspaceId: string,
  object: RecordKind,
  names: readonly string[],
  w: MeasureWindow,
  ids: readonly string[] | null,
): SQL {
  const d = metricDaily;
  const key = rollupKey(object);
  const inCurrent = sql`${d.day} >= ${w.current.firstDay}::date and ${d.day} <= ${w.current.lastDay}::date`;
  return sql`
    select ${key} as rid,
      count(distinct ${d.userId}) filter (where ${inCurrent})::float8 as active,
      coalesce(sum(${d.count}) filter (where ${inCurrent}), 0)::float8 as current,
      coalesce(sum(${d.count}) filter (where ${d.day} < ${w.current.firstDay}::date), 0)::float8 as previous
    from ${d}
    where ${d.workspaceId} = ${workspaceId} and ${anyOf(d.name, names)}
      and ${d.day} >= ${w.previous.firstDay}::date and ${d.day} <= ${w.current.lastDay}::date and ${key} is not null
      ${ids ? sql`and ${anyOf(key, ids)}` : sql``}
    group by 1`;
}

/**
 * The activity subquery of a window (columns rid, active, current, previous): over a standard
 * window, from the maintained activity windows (the window and the one before it, created by the
 * first read that needs them); over any other window, grouped from the rollups.
 */
async function activityQuery(
  ctx: Pick<Context, 'db' | 'workspaceId'>,
  object: RecordKind,
  names: readonly string[],
  w: MeasureWindow,
  ids: readonly string[] | null,
  now: Date,
): Promise<SQL> {
  if (!isStandardDays(w.current, now)) return activitySelect(ctx.workspaceId, object, names, w, ids);
  const metric = activityWindow(names);
  // Both windows are asked for as long as the current one is.
  const keptUntil = addDays(w.current.lastDay, 1);
  await ensureWindow(ctx, ctx.workspaceId, object, metric, w.current, keptUntil, now);
  await ensureWindow(ctx, ctx.workspaceId, object, metric, w.previous, keptUntil, now);
  return activityTotals(ctx.workspaceId, object, metric, w.current, w.previous, ids);
}

/** Instants bounding a window's days, as the ISO text stored in DATETIME dimensions. */
function isoBounds(days: DayRange): { from: string; to: string } {
  return { from: startOfDay(days.firstDay).toISOString(), to: startOfDay(addDays(days.lastDay, 1)).toISOString() };
}

/** Per account: users whose sign-up date (ISO text in `key`) falls in the window. */
function usersAddedSelect(workspaceId: string, key: string, days: DayRange, ids: readonly string[] | null): SQL {
  const { from, to } = isoBounds(days);
  const created = sql`((${u.dims} ->> ${key}::text) collate "C")`;
  return sql`
    select ${u.accountId} as rid, count(*)::float8 as added
    from ${tableAs(u)}
    where ${u.workspaceId} = ${workspaceId} and ${u.accountId} is not null
      and jsonb_typeof(${u.dims} -> ${key}::text) = 'string' and ${created} >= ${from}::text collate "C" and ${created} < ${to}::text collate "C"
      ${ids ? sql`and ${anyOf(u.accountId, ids)}` : sql``}
    group by 1`;
}

// ---------------------------------------------------------------------------------------------
// Per record (fields, previews)
// ---------------------------------------------------------------------------------------------

export interface ActivityStats {
  active: number;
  current: number;
  previous: number;
}

const NO_ACTIVITY: ActivityStats = { active: 0, current: 0, previous: 0 };

export function usageChange(stats: ActivityStats): number | null {
  return stats.previous > 0 ? stats.current / stats.previous : null;
}

export function seatUtilization(active: number, seats: unknown): number | null {
  return typeof seats === 'number' && seats > 0 ? active / seats : null;
}

/** Whole UTC days from `today` to the date a DATETIME value falls on. */
export function daysUntil(value: unknown, today: string): number | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  return Math.round((Date.parse(value.slice(0, 10)) - Date.parse(today)) / 86_400_000);
}

interface StatsGroup {
  object: RecordKind;
  window: MeasureWindow;
}

const rangeKey = (days: DayRange) => [days.firstDay, days.lastDay] as const;

/** Per-request loaders of measures, batched per (object, window); their inputs come from the catalog's meanings. */
export const measureLoaders = perRequest((ctx: Context) => {
  const { db, workspaceId } = ctx;
  const inputs = async () => measureInputs(await catalogLoaders(ctx).semantics.load(''));
  return {
    activityStats: groupedLoader<StatsGroup, ActivityStats>({
      groupKey: (g) => keyOf(g.object, ...rangeKey(g.window.current), ...rangeKey(g.window.previous)),
      load: async (g, ids) => {
        const { activity } = await inputs();
        if (activity.length === 0) return new Map();
        const found = await rows<{ rid: string } & ActivityStats>(
          db,
          await activityQuery(ctx, g.object, activity, g.window, ids, ctx.now()),
        );
        return new Map(found.map(({ rid, ...stats }) => [rid, stats]));
      },
      missing: NO_ACTIVITY,
    }),
    /** Group = the window. */
    usersAdded: groupedLoader<DayRange, number>({
      groupKey: (days) => keyOf(...rangeKey(days)),
      load: async (days, ids) => {
        const { userCreated } = await inputs();
        if (userCreated === null) return new Map();
        const found = await rows<{ rid: string; added: number }>(db, usersAddedSelect(workspaceId, userCreated, days, ids));
        return new Map(found.map((r) => [r.rid, r.added]));
      },
      missing: 0,
    }),
  };
});

/** One measure of one record, through the batched loaders (null = no value). */
export async function recordMeasure(
  ctx: Context,
  object: RecordKind,
  row: AccountRow | UserRow,
  measure: Measure,
  window: WindowInput | null | undefined,
  now = ctx.now(),
): Promise<number | null> {
  assertMeasureFits(object, measure, 'measure');
  if (measure === 'DAYS_UNTIL_RENEWAL') {
    const { renewal } = measureInputs(await catalogLoaders(ctx).semantics.load(''));
    return renewal === null ? null : daysUntil(row.dims[renewal], dayOf(now));
  }
  const w = measureWindow(window, now);
  if (measure === 'USERS_ADDED') return measureLoaders(ctx).usersAdded.load({ group: w.current, id: row.id });
  const stats = await measureLoaders(ctx).activityStats.load({ group: { object, window: w }, id: row.id });
  switch (measure) {
    case 'ACTIVE_USERS':
      return stats.active;
    case 'ACTIVITY':
      return stats.current;
    case 'USAGE_CHANGE':
      return usageChange(stats);
    default: {
      const { seats } = measureInputs(await catalogLoaders(ctx).semantics.load(''));
      return seats === null ? null : seatUtilization(stats.active, row.dims[seats]);
    }
  }
}

function assertMeasureFits(object: RecordKind, measure: Measure, argument: string): void {
  if (object === 'USER' && ACCOUNT_ONLY.includes(measure)) {
    throw badUserInput(`${measure} is a measure of accounts, not users.`, { argument });
  }
}

// ---------------------------------------------------------------------------------------------
// In SQL (ordering and filters of accounts/users)
// ---------------------------------------------------------------------------------------------

/** What a page of records needs for its measure filters and ordering: joins, conditions and the order value. */
export interface CompiledMeasures {
  joins: SQL;
  where: SQL;
  /** The value to order by (over `t` and the joins), when ordered by a measure. */
  order: SQL | null;
  /**
   * When the order is a column of a maintained activity window (accounts by active users, any
   * record by activity, over a standard window): that column, so an unfiltered descending page can
   * walk its rank index instead of joining every record (same values and order).
   */
  ranked: RankedWindow | null;
}

const MISSING_INPUT: Partial<Record<Measure, { input: keyof MeasureInputs; hint: string }>> = {
  SEAT_UTILIZATION: {
    input: 'seats',
    hint: 'No account field with values means Seats: map a seat-count column to `seats`, or mark a number field SEATS with `setDimensionSemantic`.',
  },
  DAYS_UNTIL_RENEWAL: {
    input: 'renewal',
    hint: 'No account field with values means Renewal date: send a date column such as `renewal_date`, or mark a date field RENEWAL_DATE with `setDimensionSemantic`.',
  },
  USERS_ADDED: {
    input: 'userCreated',
    hint: 'No user field with values means the sign-up date: map it to `created_at` on the user sync, or mark a date field CREATED_AT with `setDimensionSemantic`.',
  },
};

/**
 * The joins of one page: each distinct subquery (activity of a window, users added in a window)
 * is joined once under its own alias, however many filters and orderings read it.
 */
class JoinSet {
  private readonly byKey = new Map<string, { alias: string; join: SQL }>();

  /** The joins of a page of records of `object` (`t`). */
  constructor(private readonly object: RecordKind) {}

  /** The alias of the subquery identified by `key`, joined on `rid = t.id` the first time. */
  alias(key: string, select: () => SQL): SQL {
    let found = this.byKey.get(key);
    if (!found) {
      const alias = `m${this.byKey.size}`;
      const a = sql.raw(alias);
      found = { alias, join: sql`left join (${select()}) as ${a} on ${a}.rid = ${RECORDS[this.object].id}` };
      this.byKey.set(key, found);
    }
    return sql.raw(found.alias);
  }

  sql(): SQL {
    return sql.join(
      [...this.byKey.values()].map((j) => j.join),
      sql` `,
    );
  }
}

/** One measure as SQL over `t` (a record of `object`), reading the subqueries it needs through `joins`. */
async function measureSql(
  ctx: Context,
  object: RecordKind,
  measure: Measure,
  window: WindowInput | null | undefined,
  inputs: MeasureInputs,
  joins: JoinSet,
  now: Date,
  argument: string,
): Promise<SQL> {
  const { workspaceId } = ctx;
  assertMeasureFits(object, measure, argument);
  const missing = MISSING_INPUT[measure];
  if (missing && inputs[missing.input] === null) throw badUserInput(`${measure}: ${missing.hint}`, { argument });
  if (measure === 'DAYS_UNTIL_RENEWAL') {
    const value = sql`(${RECORDS[object].dims} -> ${inputs.renewal}::text)`;
    return sql`(case when jsonb_typeof(${value}) = 'string' and (${value} #>> '{}') ~ '^\\d{4}-\\d{2}-\\d{2}'
        then (left(${value} #>> '{}', 10)::date - ${dayOf(now)}::date) end)::float8`;
  }
  const w = measureWindow(window, now);
  if (measure === 'USERS_ADDED') {
    const a = joins.alias(`added ${keyOf(...rangeKey(w.current))}`, () =>
      usersAddedSelect(workspaceId, inputs.userCreated as string, w.current, null),
    );
    return sql`coalesce(${a}.added, 0)::float8`;
  }
  if (inputs.activity.length === 0) return measure === 'ACTIVE_USERS' || measure === 'ACTIVITY' ? sql`0::float8` : sql`null::float8`;
  const activity = await activityQuery(ctx, object, inputs.activity, w, null, now);
  const a = joins.alias(`activity ${keyOf(...rangeKey(w.current), ...rangeKey(w.previous))}`, () => activity);
  switch (measure) {
    case 'ACTIVE_USERS':
      return sql`coalesce(${a}.active, 0)::float8`;
    case 'ACTIVITY':
      return sql`coalesce(${a}.current, 0)::float8`;
    case 'USAGE_CHANGE':
      return sql`(${a}.current / nullif(${a}.previous, 0))::float8`;
    default: {
      const seats = numberOf(sql`(${RECORDS[object].dims} -> ${inputs.seats}::text)`);
      return sql`(case when ${seats} > 0 then coalesce(${a}.active, 0)::float8 / ${seats} end)::float8`;
    }
  }
}

const COMPARISONS = ['gt', 'gte', 'lt', 'lte', 'exists'] as const;

/** Measure filters and ordering of a page of accounts or users, as SQL. */
export async function compileMeasures(
  ctx: Context,
  object: RecordKind,
  filters: readonly MeasureFilter[] | null | undefined,
  order: MeasureOrder | null | undefined,
  now: Date,
): Promise<CompiledMeasures> {
  if (!filters?.length && !order) return { joins: sql``, where: sql`true`, order: null, ranked: null };
  const inputs = measureInputs(await catalogLoaders(ctx).semantics.load(''));
  const joins = new JoinSet(object);
  const conditions: SQL[] = [];
  for (const [index, filter] of (filters ?? []).entries()) {
    const argument = `measureFilter[${index}]`;
    const set = COMPARISONS.filter((op) => filter[op] != null);
    if (set.length !== 1) {
      throw badUserInput(`A measure filter must set exactly one of ${COMPARISONS.join(', ')}; it sets ${set.length}.`, { argument });
    }
    const op = set[0] as (typeof COMPARISONS)[number];
    const value = await measureSql(ctx, object, filter.measure, filter.window, inputs, joins, now, argument);
    if (op === 'exists') conditions.push(filter.exists ? sql`${value} is not null` : sql`${value} is null`);
    else {
      const bound = filter[op] as number;
      if (!Number.isFinite(bound)) throw badUserInput(`\`${op}\` needs a finite number.`, { argument: `${argument}.${op}` });
      conditions.push(sql`${value} ${sql.raw({ gt: '>', gte: '>=', lt: '<', lte: '<=' }[op])} ${bound}::float8`);
    }
  }
  let orderValue: SQL | null = null;
  let ranked: RankedWindow | null = null;
  if (order) {
    orderValue = await measureSql(ctx, object, order.measure, order.window, inputs, joins, now, 'orderBy.measure');
    const current = measureWindow(order.window, now).current;
    const column = order.measure === 'ACTIVITY' ? 'count' : order.measure === 'ACTIVE_USERS' && object === 'ACCOUNT' ? 'users' : null;
    // (measureSql made the activity windows of a standard window.)
    if (column && inputs.activity.length > 0 && isStandardDays(current, now)) {
      ranked = { metric: activityWindow(inputs.activity), days: current, column };
    }
  }
  return { joins: joins.sql(), where: conditions.length ? sql.join(conditions, sql` and `) : sql`true`, order: orderValue, ranked };
}
