import { type SQL, sql } from 'drizzle-orm';
import type { DimensionFilter, Interval, MeasureFilter, MetricAggregate, MetricRef, RecordOrder } from '../__generated__/types.ts';
import { compileFilters, type FieldMap, numberOf, requireField, valueExpr } from '../catalog/filters.ts';
import { parseIsoDateTime } from '../catalog/inference.ts';
import { catalogLoaders } from '../catalog/loaders.ts';
import { fieldMap } from '../catalog/queries.ts';
import type { Context } from '../context.ts';
import { rows } from '../db/client.ts';
import type { AccountRow, EventRow, UserRow } from '../db/schema.ts';
import { assertStorable, badUserInput } from '../errors.ts';
import { lookupId } from '../text.ts';
import type { ObjectKind, RecordKind } from '../vocabulary.ts';
import { type Consumer, keptAnswer } from './answers.ts';
import { decodeCursor, encodeCursor, orderingFingerprint } from './cursor.ts';
import { insightsLoaders } from './loaders.ts';
import { compileMeasures } from './measures.ts';
import { type MetricSpec, metricSpec, zeroWhenEmpty } from './metrics.ts';
import type { ConnectionModel, Interval as IntervalName, MetricSeriesModel } from './models.ts';
import * as queries from './queries.ts';
import { addDays, assertTimeZone, type DayRange, isUtc, seriesBuckets, startOfDay, type WindowInput, windowDays } from './time.ts';
import { boundingDays, ensureRankingWindow, isStandardWindow } from './windows.ts';

export const MAX_PAGE = 500;

/** A page size within 1–500, or BAD_USER_INPUT. */
export function pageSize(first: number | null | undefined, argument = 'first'): number {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw badUserInput(`\`${argument}\` must be between 1 and ${MAX_PAGE}.`, { argument });
  return n;
}

export async function catalogFields(ctx: Context, object: ObjectKind): Promise<FieldMap> {
  return fieldMap(await catalogLoaders(ctx).dimensions.load(object));
}

function pageOrder(
  object: RecordKind,
  orderBy: RecordOrder | null | undefined,
  fields: FieldMap,
  now: Date,
  measure: SQL | null,
): queries.PageOrder {
  if (!orderBy) return { kind: 'id', direction: 'ASC' };
  const direction = orderBy.direction ?? 'DESC';
  if ([orderBy.dimension, orderBy.metric, orderBy.measure].filter((o) => o != null).length > 1) {
    throw badUserInput('Order by one of `dimension`, `metric` or `measure`.', { argument: 'orderBy' });
  }
  if (measure) return { kind: 'dimension', value: measure, numeric: true, direction };
  if (orderBy.metric) {
    const spec = metricSpec(orderBy.metric.metric, orderBy.metric.aggregate, 'orderBy.metric.metric');
    return { kind: 'metric', spec, days: windowDays(orderBy.metric.window, now), zero: zeroWhenEmpty(spec.aggregate), direction };
  }
  if (orderBy.dimension != null) {
    const field = requireField(fields, object, orderBy.dimension, 'orderBy.dimension');
    if (field.key === 'id') return { kind: 'id', direction };
    const value = valueExpr(object, 't', field.key);
    const numeric = field.type === 'NUMBER';
    return { kind: 'dimension', value: numeric ? numberOf(value) : value, numeric, direction };
  }
  return { kind: 'id', direction };
}

export interface RecordPageArgs {
  first?: number | null;
  after?: string | null;
  filter?: DimensionFilter[] | null;
  measureFilter?: MeasureFilter[] | null;
  orderBy?: RecordOrder | null;
}

/** `Query.accounts` / `Query.users`: filter, order, keyset pagination; totalCount on demand. */
export async function recordConnection<T extends AccountRow | UserRow>(
  ctx: Context,
  object: RecordKind,
  args: RecordPageArgs,
  /** `withTotal`: the caller will read `totalCount` (counted with the first page where the page is grouped anyway). */
  options: { withTotal?: boolean } = {},
): Promise<ConnectionModel<T>> {
  const first = pageSize(args.first);
  const needsCatalog = (args.filter?.length ?? 0) > 0 || args.orderBy?.dimension != null;
  const fields = needsCatalog ? await catalogFields(ctx, object) : new Map();
  const now = ctx.now();
  const measures = await compileMeasures(ctx, object, args.measureFilter, args.orderBy?.measure, now);
  const where = sql`${compileFilters(object, 't', args.filter, fields)} and ${measures.where}`;
  const order = pageOrder(object, args.orderBy, fields, now, measures.order);
  // An unfiltered descending page by a maintained window's column walks its rank index.
  const byRank =
    (args.filter?.length ?? 0) === 0 && (args.measureFilter?.length ?? 0) === 0 && (args.orderBy?.direction ?? 'DESC') === 'DESC';
  if (order.kind === 'metric' && isStandardWindow(object, order.spec, order.days, 'UTC', now)) {
    await ensureRankingWindow(ctx, ctx.workspaceId, object, order.spec, order.days, now);
    order.maintained = byRank ? 'ranked' : 'join';
  } else if (order.kind === 'metric' && byRank) {
    // Any other window of the last 90 days: the standard window containing it bounds the ranking.
    const bound = boundingDays(order.spec, order.days, 'UTC', now);
    if (bound) {
      await ensureRankingWindow(ctx, ctx.workspaceId, object, order.spec, bound, now);
      order.bound = bound;
    }
  }
  const ordering = orderingFingerprint([object, args.orderBy ?? null]);
  const after = args.after ? decodeCursor(args.after, ordering) : null;
  const { rows: found, total } =
    measures.ranked && byRank
      ? { rows: await queries.pageByRank<T>(ctx.db, ctx.workspaceId, object, measures.ranked, after, first + 1), total: null }
      : await queries.pageRecords<T>(ctx.db, ctx.workspaceId, object, where, order, after, first + 1, measures.joins, options.withTotal);
  const page = found.slice(0, first);
  for (const { row } of page) {
    if (object === 'ACCOUNT') insightsLoaders(ctx).accountById.prime(row.id, row as AccountRow);
    else insightsLoaders(ctx).userById.prime(row.id, row as UserRow);
  }
  return {
    edges: page.map(({ row, sortValue }) => ({
      cursor: encodeCursor({ o: ordering, v: sortValue, id: row.id }),
      node: row,
      orderValue: order.kind === 'metric' || measures.order ? (sortValue as number | null) : null,
    })),
    hasNextPage: found.length > first,
    hasPreviousPage: after !== null,
    totalCount: () =>
      total !== null ? Promise.resolve(total) : queries.countRecords(ctx.db, ctx.workspaceId, object, where, measures.joins),
  };
}

const USERS_OF_ACCOUNT = 'users-of-account';

/** `Account.users`: by user ID, batched across every account of the response. */
export async function usersOfAccount(
  ctx: Context,
  accountId: string,
  args: { first?: number | null; after?: string | null },
): Promise<ConnectionModel<UserRow>> {
  const first = pageSize(args.first);
  const after = args.after ? decodeCursor(args.after, USERS_OF_ACCOUNT).id : null;
  const loaders = insightsLoaders(ctx);
  const found = await loaders.usersOfAccount.load({ group: { after, limit: first + 1 }, id: accountId });
  const page = found.slice(0, first);
  for (const row of page) loaders.userById.prime(row.id, row);
  return {
    edges: page.map((row) => ({ cursor: encodeCursor({ o: USERS_OF_ACCOUNT, v: null, id: row.id }), node: row })),
    hasNextPage: found.length > first,
    hasPreviousPage: after !== null,
    totalCount: () => loaders.userCountOfAccount.load({ group: null, id: accountId }),
  };
}

const EVENTS_OF_USER = 'events-of-user';
const EVENT_CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** `User.events`: most recent first, batched across every user of the response. */
export async function eventsOfUser(
  ctx: Context,
  userId: string,
  args: { first?: number | null; after?: string | null; name?: string | null },
): Promise<ConnectionModel<EventRow>> {
  const first = pageSize(args.first);
  const name = args.name ?? null;
  if (name !== null) assertStorable(name, 'name');
  const ordering = orderingFingerprint([EVENTS_OF_USER, name]);
  const cursor = args.after ? decodeCursor(args.after, ordering) : null;
  // The position is an exact timestamp this API wrote (see `queries.eventsOfUsers`); anything else is forged.
  if (cursor && !(typeof cursor.v === 'string' && EVENT_CURSOR_TIME.test(cursor.v) && parseIsoDateTime(cursor.v) !== null))
    throw badUserInput('Invalid cursor.', { argument: 'after' });
  const after = cursor ? { at: cursor.v as string, key: cursor.id } : null;
  const loaders = insightsLoaders(ctx);
  const found = await loaders.eventsOfUser.load({ group: { name, after, limit: first + 1 }, id: userId });
  const page = found.slice(0, first);
  return {
    edges: page.map(({ row, at }) => ({ cursor: encodeCursor({ o: ordering, v: at, id: row.dedupKey }), node: row })),
    hasNextPage: found.length > first,
    hasPreviousPage: after !== null,
    totalCount: () => loaders.eventCountOfUser.load({ group: name, id: userId }),
  };
}

/** `Account.metric` / `User.metric`: one aggregate over a window, batched per (metric, window, aggregate). */
export async function recordMetric(
  ctx: Context,
  object: RecordKind,
  id: string,
  args: { metric: MetricRef; window?: WindowInput | null; aggregate?: MetricAggregate | null },
): Promise<number | null> {
  const spec = metricSpec(args.metric, args.aggregate);
  const days = args.window ? windowDays(args.window, ctx.now()) : null;
  const value = await insightsLoaders(ctx).metricValue.load({ group: { object, spec, days }, id });
  return value ?? (zeroWhenEmpty(spec.aggregate) ? 0 : null);
}

export interface SeriesArgs {
  metric: MetricRef;
  from: Date;
  to: Date;
  interval?: Interval | null;
  aggregate?: MetricAggregate | null;
  timeZone?: string | null;
}

interface SeriesPlan {
  spec: MetricSpec;
  interval: IntervalName;
  /** Canonical name, used in computations and SQL. */
  timeZone: string;
  /** The name as the caller gave it, echoed in the answer. */
  asked: string;
  days: DayRange;
  buckets: string[];
}

function planSeries(args: SeriesArgs): SeriesPlan {
  const spec = metricSpec(args.metric, args.aggregate);
  const asked = args.timeZone ?? 'UTC';
  const timeZone = assertTimeZone(asked);
  const interval = args.interval ?? 'DAY';
  const { firstDay, lastDay, buckets } = seriesBuckets(args.from, args.to, interval, timeZone);
  return { spec, interval, timeZone, asked, days: { firstDay, lastDay }, buckets };
}

/** Zero-filled points and the whole-range total from the rows of one series. */
function assemble(plan: SeriesPlan, found: readonly queries.SeriesRow[]): MetricSeriesModel {
  const byBucket = new Map<string, number | null>();
  let total: number | null = null;
  for (const row of found) {
    if (row.bucket === null) total = row.value;
    else byBucket.set(row.bucket, row.value);
  }
  const zero = zeroWhenEmpty(plan.spec.aggregate);
  return {
    ref: plan.spec.kind === 'COUNT' ? ['COUNT', plan.spec.event as string] : ['VALUE', plan.spec.property as string],
    interval: plan.interval,
    aggregate: plan.spec.aggregate,
    timeZone: plan.asked,
    points: plan.buckets.map((bucket) => ({ start: startOfDay(bucket, plan.timeZone), value: byBucket.get(bucket) ?? (zero ? 0 : null) })),
    total: total ?? (zero ? 0 : null),
  };
}

export interface SeriesScopeArgs {
  accountId?: string | null;
  userId?: string | null;
  accountFilter?: DimensionFilter[] | null;
  userFilter?: DimensionFilter[] | null;
}

/** `Query.metricSeries`: the workspace, one account or user, or the accounts/users matching filters. */
export async function workspaceSeries(
  ctx: Context,
  args: SeriesArgs,
  scopeArgs: SeriesScopeArgs | null | undefined,
  /** Whose bound a cached answer counts against: a view's preview is not pushed out by clients' series. */
  consumer: Consumer = 'SERIES',
): Promise<MetricSeriesModel> {
  const plan = planSeries(args);
  const scope: queries.SeriesScope = {};
  // An ID no record can have (NUL, too long) selects nothing rather than reaching the database.
  const ids = (id: string) => {
    const normalized = lookupId(id);
    return normalized === null ? [] : [normalized];
  };
  if (scopeArgs?.accountId != null) scope.accountIds = ids(scopeArgs.accountId);
  if (scopeArgs?.userId != null) scope.userIds = ids(scopeArgs.userId);
  if (scopeArgs?.accountFilter?.length) {
    scope.accountWhere = compileFilters('ACCOUNT', 't', scopeArgs.accountFilter, await catalogFields(ctx, 'ACCOUNT'));
  }
  if (scopeArgs?.userFilter?.length) {
    scope.userWhere = compileFilters('USER', 't', scopeArgs.userFilter, await catalogFields(ctx, 'USER'));
  }
  // The workspace's whole series of one event (no scope: nothing but that event's rollups is read)
  // is kept with the change counters of its weeks (src/insights/answers.ts).
  const statement = queries.seriesStatement(ctx.workspaceId, plan.spec, plan.days, plan.interval, plan.timeZone, scope, null);
  const found =
    Object.keys(scope).length === 0 && plan.spec.event !== null
      ? await keptAnswer<queries.SeriesRow>(
          ctx,
          consumer,
          { rollups: { names: [plan.spec.event], days: utcDaysCovering(plan.days, plan.timeZone) } },
          statement,
        )
      : await rows<queries.SeriesRow>(ctx.db, statement);
  return assemble(plan, found);
}

/** The UTC days that hold the instants of `days` in `timeZone` (a day more on each side outside UTC). */
function utcDaysCovering(days: DayRange, timeZone: string): DayRange {
  return isUtc(timeZone) ? days : { firstDay: addDays(days.firstDay, -1), lastDay: addDays(days.lastDay, 1) };
}

/** `Account.metricSeries` / `User.metricSeries`: batched per (metric, range, interval, aggregate, zone). */
export async function recordSeries(ctx: Context, object: RecordKind, id: string, args: SeriesArgs): Promise<MetricSeriesModel> {
  const plan = planSeries(args);
  const group = { object, spec: plan.spec, days: plan.days, interval: plan.interval, timeZone: plan.timeZone };
  return assemble(plan, await insightsLoaders(ctx).metricSeries.load({ group, id }));
}
