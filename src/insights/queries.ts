import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { jsonParam, type Queryable, rows } from '../db/client.ts';
import { type AccountRow, type Dimensions, type EventRow, events, metricDaily, type UserRow, users } from '../db/schema.ts';
import { alias, anyOf, columnName, recordAliases, tableAs } from '../db/sql.ts';
import type { RecordKind } from '../vocabulary.ts';
import type { CursorValue } from './cursor.ts';
import {
  accountMetricSource,
  aggregateExpr,
  bucketExpr,
  dayCondition,
  type MetricSpec,
  metricRows,
  metricSource,
  recordMetricSource,
  rollupKey,
} from './metrics.ts';
import type { Interval } from './models.ts';
import type { DayRange } from './time.ts';
import { eventWindow, type RankColumn, rankColumn, type WindowMetric, windowCondition, windowRows, windowTotals } from './windows.ts';

// Set-based reads for accounts, users, events and metrics. Every function is ONE statement for
// any number of parent records; the loaders group requests by their arguments.

const ms = (value: SQLWrapper) => sql`floor(extract(epoch from ${value}) * 1000)::float8`;
interface RawRecord {
  id: string;
  dims: string | Dimensions;
  account_id?: string | null;
  first_ms: number;
  updated_ms: number;
}

const parseJson = <T>(value: string | T): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

function toAccount(workspaceId: string, r: RawRecord): AccountRow {
  return { workspaceId, id: r.id, dims: parseJson(r.dims), firstReceivedAt: new Date(r.first_ms), updatedAt: new Date(r.updated_ms) };
}

function toUser(workspaceId: string, r: RawRecord): UserRow {
  return { ...toAccount(workspaceId, r), accountId: r.account_id ?? null };
}

/** Per kind: the records as `t`, and a page of them as `s` (a derived table: the records' `id` and a `sort_value`). */
const RECORDS = recordAliases('t');
const PAGES = recordAliases('s');
const e = alias(events, 'e');
/** The rows of a metric source `r`, and of a maintained window's totals `w`. */
const r = metricRows;
const w = windowRows;

const RECORD_COLUMNS = (object: RecordKind) => {
  const t = RECORDS[object];
  const accountId = object === 'USER' ? sql`${RECORDS.USER.accountId},` : sql``;
  return sql`${t.id}, ${t.dims}::text as dims, ${accountId} ${ms(t.firstReceivedAt)} as first_ms, ${ms(t.updatedAt)} as updated_ms`;
};
/** The rollup column (of the source `r`) that attributes activity to a record of this object. */
const ROLLUP_KEY = (object: RecordKind) => rollupKey(object, r);

/** How a page of records is ordered. Ties always break by ID ascending. */
export type PageOrder =
  | { kind: 'id'; direction: 'ASC' | 'DESC' }
  | { kind: 'dimension'; value: SQL; numeric: boolean; direction: 'ASC' | 'DESC' }
  | {
      kind: 'metric';
      spec: MetricSpec;
      days: DayRange;
      zero: boolean;
      direction: 'ASC' | 'DESC';
      /**
       * Read the maintained window's totals (src/insights/windows.ts) instead of grouping rollups:
       * `join` joins them to every record (filters apply); `ranked` walks them in rank order
       * (no filter, descending: the page costs its own rows, not the workspace's records).
       */
      maintained?: 'join' | 'ranked';
      /**
       * A maintained standard window containing `days` (`boundingDays`): an unfiltered descending
       * page is first looked for among its leading records (`pageByBound`), and grouped from the
       * rollups only when they do not decide it.
       */
      bound?: DayRange;
    };

export interface PageRow<T> {
  row: T;
  sortValue: CursorValue;
}

/** A page's rows, and the number of records matching its filter when the statement counted them too. */
export interface RecordPage<T> {
  rows: Array<PageRow<T>>;
  total: number | null;
}

/** One page of accounts or users: filtered, ordered, keyset-paginated after (value, id). */
export async function pageRecords<T extends AccountRow | UserRow>(
  q: Queryable,
  workspaceId: string,
  object: RecordKind,
  where: SQL,
  order: PageOrder,
  after: { v: CursorValue; id: string } | null,
  limit: number,
  /** Left joins of per-record values (derived measures) that `where` and the order value read. */
  joins: SQL = sql``,
  /**
   * Also count every record matching `where` in the same statement (the page's `total`; first
   * pages of the general path only, null otherwise): a filtered page and its count read the records
   * and their joined measures once instead of twice.
   */
  withTotal = false,
): Promise<RecordPage<T>> {
  if (order.kind === 'metric' && order.maintained === 'ranked') {
    const ranked = { metric: eventWindow(order.spec.event ?? ''), days: order.days, column: rankColumn(order.spec) };
    return { rows: await pageByRank<T>(q, workspaceId, object, ranked, after, limit), total: null };
  }
  if (order.kind === 'metric' && order.bound) {
    const found = await pageByBound<T>(q, workspaceId, object, order.spec, order.days, order.bound, after, limit);
    if (found) return { rows: found, total: null };
  }
  const t = RECORDS[object];
  const s = PAGES[object];
  const { ctes, join, sortValue, numeric } = sortValueOf(workspaceId, object, order);
  const { orderBy, keyset } = keysetOf(object, order, after, numeric);

  // Rank IDs first, then read the columns (dims) of the page's rows only.
  const counted = withTotal && after === null;
  ctes.push(sql`page as (
      select * from (
        select ${t.id}, ${sortValue} as sort_value${counted ? sql`, count(*) over () as total` : sql``}
        from ${tableAs(t)} ${join} ${joins}
        where ${t.workspaceId} = ${workspaceId} and ${where}
      ) as ${s}
      where ${keyset}
      order by ${orderBy}
      limit ${limit}::int)`);
  const found = await rows<RawRecord & { sort_value: CursorValue; total?: number | string }>(
    q,
    sql`with ${sql.join(ctes, sql`, `)}
      select ${RECORD_COLUMNS(object)}, s.sort_value${counted ? sql`, s.total::int as total` : sql``}
      from page ${s} join ${tableAs(t)} on ${t.workspaceId} = ${workspaceId} and ${t.id} = ${s.id}
      order by ${orderBy}`,
  );
  // (An empty first page: nothing matches.)
  const total = counted ? Number(found[0]?.total ?? 0) : null;
  return { rows: found.map((r) => toPageRow<T>(workspaceId, object, r)), total };
}

/** What a general page sorts its records by: a dimension, or a metric grouped into the CTE `m` and joined. */
function sortValueOf(
  workspaceId: string,
  object: RecordKind,
  order: PageOrder,
): { ctes: SQL[]; join: SQL; sortValue: SQL; numeric: boolean } {
  if (order.kind === 'dimension') {
    return {
      ctes: [],
      join: sql``,
      sortValue: order.numeric ? order.value : sql`(${order.value} #>> '{}') collate "C"`,
      numeric: order.numeric,
    };
  }
  if (order.kind === 'metric') {
    return {
      ctes: [metricOrderCte(workspaceId, object, order)],
      join: sql`left join m on m.rid = ${RECORDS[object].id}`,
      sortValue: order.zero ? sql`coalesce(m.v, 0)::float8` : sql`m.v`,
      numeric: true,
    };
  }
  return { ctes: [], join: sql``, sortValue: sql`null::text`, numeric: false };
}

/** The CTE `m`: the metric per record (`rid`, `v`), from the maintained window's totals or grouped from the rollups. */
function metricOrderCte(workspaceId: string, object: RecordKind, order: Extract<PageOrder, { kind: 'metric' }>): SQL {
  if (order.maintained) return sql`m as materialized ${windowTotals(workspaceId, object, order.spec, order.days)}`;
  if (order.spec.kind === 'COUNT' && order.spec.aggregate !== 'COUNT') {
    // Distinct users/accounts per record: hashed DISTINCT then a count, instead of count(distinct) sorting every group.
    return sql`m as materialized (
      select rid, count(*)::float8 as v from (
        select distinct ${ROLLUP_KEY(object)} as rid, ${ROLLUP_KEY(order.spec.aggregate === 'UNIQUE_USERS' ? 'USER' : 'ACCOUNT')} as who
        from ${metricSource(workspaceId, order.spec, order.days, 'UTC')}
        where ${dayCondition(order.days)} and ${ROLLUP_KEY(object)} is not null
      ) as d where who is not null group by 1)`;
  }
  return sql`m as materialized (
      select ${ROLLUP_KEY(object)} as rid, ${aggregateExpr(order.spec)} as v
      from ${recordMetricSource(workspaceId, object, order.spec, order.days)}
      where ${dayCondition(order.days)} and ${ROLLUP_KEY(object)} is not null
      group by 1)`;
}

/** The page's order (nulls last, ties by ID) and the keyset condition that starts it after the cursor. */
function keysetOf(
  object: RecordKind,
  order: PageOrder,
  after: { v: CursorValue; id: string } | null,
  numeric: boolean,
): { orderBy: SQL; keyset: SQL } {
  const s = PAGES[object];
  const dir = sql.raw(order.direction === 'ASC' ? 'asc' : 'desc');
  if (order.kind === 'id') {
    const keyset = !after ? sql`true` : order.direction === 'ASC' ? sql`${s.id} > ${after.id}::text` : sql`${s.id} < ${after.id}::text`;
    return { orderBy: sql`${s.id} ${dir}`, keyset };
  }
  const orderBy = sql`s.sort_value ${dir} nulls last, ${s.id} asc`;
  if (!after) return { orderBy, keyset: sql`true` };
  if (after.v === null) return { orderBy, keyset: sql`(s.sort_value is null and ${s.id} > ${after.id}::text)` };
  const cmp = sql.raw(order.direction === 'ASC' ? '>' : '<');
  const v = numeric ? sql`${Number(after.v)}::float8` : sql`${String(after.v)}::text collate "C"`;
  return {
    orderBy,
    keyset: sql`(s.sort_value ${cmp} ${v} or (s.sort_value = ${v} and ${s.id} > ${after.id}::text) or s.sort_value is null)`,
  };
}

function toPageRow<T>(workspaceId: string, object: RecordKind, r: RawRecord & { sort_value: CursorValue }): PageRow<T> {
  return { row: (object === 'ACCOUNT' ? toAccount(workspaceId, r) : toUser(workspaceId, r)) as T, sortValue: r.sort_value };
}

/** A maintained window's column that a page is ranked by: events (`count`) or an account's users with one (`users`). */
export interface RankedWindow {
  metric: WindowMetric;
  days: DayRange;
  column: RankColumn;
}

/**
 * A page of all records in descending order of a maintained window's column, read in index order:
 * first the records with a value (the totals' rank index, joined to the records that exist), then
 * those without one, by ID. Each branch stops after `limit` rows, so a page costs its own rows
 * whatever the number of records. Same order and cursors as the general path (a record without a
 * value ranks as 0).
 */
export async function pageByRank<T>(
  q: Queryable,
  workspaceId: string,
  object: RecordKind,
  ranked: RankedWindow,
  after: { v: CursorValue; id: string } | null,
  limit: number,
): Promise<Array<PageRow<T>>> {
  const t = RECORDS[object];
  const s = PAGES[object];
  const totals = windowCondition(workspaceId, object, ranked.metric, ranked.days);
  // The rank column and its index.
  const rank = w[ranked.column];
  const v = after === null || after.v === null ? null : Number(after.v);
  const counted =
    after === null
      ? sql`true`
      : v === null || v <= 0
        ? sql`false`
        : sql`(${rank} < ${v}::bigint or (${rank} = ${v}::bigint and ${w.recordId} > ${after.id}::text))`;
  const uncounted = after === null || v === null || v > 0 ? sql`true` : sql`${t.id} > ${after.id}::text`;
  const found = await rows<RawRecord & { sort_value: CursorValue }>(
    q,
    sql`
      with ranked as materialized (
        -- "desc nulls last" matches the rank index (the column is never null, but the planner needs the same order).
        select ${w.recordId} as ${columnName(s.id)}, ${rank}::float8 as sort_value
        from ${tableAs(w)}
        where ${totals} and ${rank} > 0 and ${counted}
          and exists (select 1 from ${tableAs(t)} where ${t.workspaceId} = ${workspaceId} and ${t.id} = ${w.recordId})
        order by ${rank} desc nulls last, ${w.recordId} asc
        limit ${limit}::int
      ), page as (
        select * from ranked
        union all
        -- Records without activity, by ID: only read when the ranked ones do not fill the page.
        (select ${t.id}, 0::float8 from ${tableAs(t)}
         where (select count(*) from ranked) < ${limit}::int and ${t.workspaceId} = ${workspaceId} and ${uncounted}
           and not exists (select 1 from ${tableAs(w)} where ${totals} and ${w.recordId} = ${t.id} and ${rank} > 0)
         order by ${t.id} asc
         limit ${limit}::int)
      )
      select ${RECORD_COLUMNS(object)}, s.sort_value
      from (select * from page order by sort_value desc, ${columnName(s.id)} asc limit ${limit}::int) ${s}
      join ${tableAs(t)} on ${t.workspaceId} = ${workspaceId} and ${t.id} = ${s.id}
      order by s.sort_value desc, ${s.id} asc`,
  );
  return found.map((r) => toPageRow<T>(workspaceId, object, r));
}

/** Candidates read per attempt of `pageByBound`, in pages: a first page is usually decided by the first. */
const BOUND_ATTEMPTS = [4, 64];

/**
 * A page of all records in descending order of a count over `days`, found among the leading
 * records of a maintained window that contains `days` (`bound`): a record's total over the window
 * bounds its total over `days` from above. Each attempt reads the window's first C records in rank
 * order (its index) and sums their rollups over `days` (an index range per record); the page is
 * decided when it is full of positive totals and either the window has fewer than C records or its
 * last total is strictly above the C-th record's bound (no record after it can reach the page). One
 * statement per attempt; null when no attempt decides the page (the caller groups the rollups).
 * Same order, values and cursors as the general path.
 */
export async function pageByBound<T>(
  q: Queryable,
  workspaceId: string,
  object: RecordKind,
  spec: MetricSpec,
  days: DayRange,
  bound: DayRange,
  after: { v: CursorValue; id: string } | null,
  limit: number,
): Promise<Array<PageRow<T>> | null> {
  const v = Number(after?.v ?? 0);
  // After a record without events: the rest of the order is by ID among those without, which a bound does not give.
  if (after !== null && v <= 0) return null;
  const t = RECORDS[object];
  const s = PAGES[object];
  const keyset = after === null ? sql`true` : sql`(x.v < ${v}::float8 or (x.v = ${v}::float8 and x.rid > ${after.id}::text))`;
  for (const pages of BOUND_ATTEMPTS) {
    const candidates = pages * limit;
    const found = await rows<RawRecord & { sort_value: CursorValue }>(
      q,
      sql`
      with cand as materialized (
        select ${w.recordId} as rid, ${w.count} as bound
        from ${tableAs(w)}
        where ${windowCondition(workspaceId, object, eventWindow(spec.event ?? ''), bound)} and ${w.count} > 0
        order by ${w.count} desc nulls last, ${w.recordId} asc
        limit ${candidates}::int
      ), scored as materialized (
        select c.rid, (select coalesce(sum(${r.count}), 0)::float8 from ${recordMetricSource(workspaceId, object, spec, days)}
          where ${dayCondition(days)} and ${ROLLUP_KEY(object)} = c.rid) as v
        from cand c
      ), page as materialized (
        select x.rid as ${columnName(s.id)}, x.v as sort_value from scored x
        where x.v > 0 and ${keyset}
          and exists (select 1 from ${tableAs(t)} where ${t.workspaceId} = ${workspaceId} and ${t.id} = x.rid)
        order by x.v desc, x.rid asc
        limit ${limit}::int
      )
      select ${RECORD_COLUMNS(object)}, s.sort_value
      from page ${s} join ${tableAs(t)} on ${t.workspaceId} = ${workspaceId} and ${t.id} = ${s.id}
      where (select count(*) from page) = ${limit}::int
        and ((select count(*) from cand) < ${candidates}::int or (select min(sort_value) from page) > (select min(bound) from cand))
      order by s.sort_value desc, ${s.id} asc`,
    );
    if (found.length > 0) return found.map((r) => toPageRow<T>(workspaceId, object, r));
  }
  return null;
}

export async function countRecords(q: Queryable, workspaceId: string, object: RecordKind, where: SQL, joins: SQL = sql``): Promise<number> {
  const t = RECORDS[object];
  const [found] = await rows<{ count: number }>(
    q,
    sql`select count(*)::int as count from ${tableAs(t)} ${joins} where ${t.workspaceId} = ${workspaceId} and ${where}`,
  );
  return found?.count ?? 0;
}

/** The first `limit` users (by ID, after `after`) of each account. */
export async function usersOfAccounts(
  q: Queryable,
  workspaceId: string,
  accountIds: readonly string[],
  after: string | null,
  limit: number,
): Promise<Map<string, UserRow[]>> {
  const t = RECORDS.USER;
  const afterCondition = after === null ? sql`` : sql`and ${t.id} > ${after}::text`;
  const found = await rows<RawRecord & { parent: string }>(
    q,
    sql`
      select k.parent, x.* from jsonb_array_elements_text(${jsonParam(accountIds)}) as k(parent)
      cross join lateral (
        select ${RECORD_COLUMNS('USER')} from ${tableAs(t)}
        where ${t.workspaceId} = ${workspaceId} and ${t.accountId} = k.parent ${afterCondition}
        order by ${t.id} limit ${limit}::int
      ) as x`,
  );
  const out = new Map<string, UserRow[]>();
  for (const r of found) out.set(r.parent, [...(out.get(r.parent) ?? []), toUser(workspaceId, r)]);
  return out;
}

export async function countUsersOfAccounts(q: Queryable, workspaceId: string, accountIds: readonly string[]): Promise<Map<string, number>> {
  const found = await rows<{ id: string; count: number }>(
    q,
    sql`select ${users.accountId} as id, count(*)::int as count from ${users}
        where ${users.workspaceId} = ${workspaceId} and ${anyOf(users.accountId, accountIds)} group by ${users.accountId}`,
  );
  return new Map(found.map((r) => [r.id, r.count]));
}

/** An event with the exact (microsecond) timestamp its cursor needs. */
export interface EventWithKey {
  row: EventRow;
  at: string;
}

/** Each user's events, most recent first (ties by dedup key), after the (time, key) cursor. */
export async function eventsOfUsers(
  q: Queryable,
  workspaceId: string,
  userIds: readonly string[],
  options: { name: string | null; after: { at: string; key: string } | null; limit: number },
): Promise<Map<string, EventWithKey[]>> {
  const name = options.name === null ? sql`` : sql`and ${e.name} = ${options.name}::text`;
  const after = options.after
    ? sql`and (${e.occurredAt} < ${options.after.at}::timestamptz
        or (${e.occurredAt} = ${options.after.at}::timestamptz and ${e.dedupKey} > ${options.after.key}::text))`
    : sql``;
  const found = await rows<{
    parent: string;
    dedup_key: string;
    event_id: string | null;
    name: string;
    at: string;
    occurred_ms: number;
    user_id: string;
    account_id: string | null;
    properties: string | Record<string, unknown>;
    received_ms: number;
  }>(
    q,
    sql`
      select k.parent, x.* from jsonb_array_elements_text(${jsonParam(userIds)}) as k(parent)
      cross join lateral (
        select ${e.dedupKey}, ${e.eventId}, ${e.name}, ${e.userId}, ${e.accountId}, ${e.properties}::text as properties,
          to_char(${e.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at,
          ${ms(e.occurredAt)} as occurred_ms, ${ms(e.receivedAt)} as received_ms
        from ${tableAs(e)}
        where ${e.workspaceId} = ${workspaceId} and ${e.userId} = k.parent ${name} ${after}
        order by ${e.occurredAt} desc, ${e.dedupKey} asc
        limit ${options.limit}::int
      ) as x`,
  );
  const out = new Map<string, EventWithKey[]>();
  for (const r of found) {
    const row: EventRow = {
      workspaceId,
      dedupKey: r.dedup_key,
      eventId: r.event_id,
      name: r.name,
      occurredAt: new Date(r.occurred_ms),
      userId: r.user_id,
      accountId: r.account_id,
      properties: parseJson(r.properties),
      receivedAt: new Date(r.received_ms),
    };
    out.set(r.parent, [...(out.get(r.parent) ?? []), { row, at: r.at }]);
  }
  return out;
}

export async function countEventsOfUsers(
  q: Queryable,
  workspaceId: string,
  userIds: readonly string[],
  name: string | null,
): Promise<Map<string, number>> {
  const byName = name === null ? sql`` : sql`and ${events.name} = ${name}::text`;
  const found = await rows<{ id: string; count: number }>(
    q,
    sql`select ${events.userId} as id, count(*)::int as count from ${events}
        where ${events.workspaceId} = ${workspaceId} and ${anyOf(events.userId, userIds)} ${byName} group by ${events.userId}`,
  );
  return new Map(found.map((r) => [r.id, r.count]));
}

/** Time of the most recent event attributed to each record (from the rollups). */
export async function lastActivity(
  q: Queryable,
  workspaceId: string,
  object: RecordKind,
  ids: readonly string[],
): Promise<Map<string, Date>> {
  const key = rollupKey(object);
  const found = await rows<{ id: string; at: number }>(
    q,
    sql`select ${key} as id, ${ms(sql`max(${metricDaily.lastAt})`)} as at from ${metricDaily}
        where ${metricDaily.workspaceId} = ${workspaceId} and ${anyOf(key, ids)} group by ${key}`,
  );
  return new Map(found.map((r) => [r.id, new Date(r.at)]));
}

/** One metric aggregated per record over a day range (null range = all time). */
export async function metricPerRecord(
  q: Queryable,
  workspaceId: string,
  object: RecordKind,
  spec: MetricSpec,
  days: DayRange | null,
  ids: readonly string[],
): Promise<Map<string, number | null>> {
  const key = ROLLUP_KEY(object);
  const found = await rows<{ id: string; value: number | null }>(
    q,
    sql`select ${key} as id, ${aggregateExpr(spec)} as value
        from ${recordMetricSource(workspaceId, object, spec, null)}
        where ${dayCondition(days)} and ${anyOf(key, ids)}
        group by ${key}`,
  );
  return new Map(found.map((r) => [r.id, r.value]));
}

/** Which rollup rows a series covers, beyond the metric and the days. */
export interface SeriesScope {
  accountIds?: readonly string[];
  userIds?: readonly string[];
  /** SQL over accounts `t` (already compiled filters). */
  accountWhere?: SQL;
  /** SQL over users `t`. */
  userWhere?: SQL;
}

export interface SeriesRow {
  /** The record the row belongs to (per-record series), else null. */
  id: string | null;
  /** Bucket start day, or null on the whole-range total row. */
  bucket: string | null;
  value: number | null;
}

/**
 * Buckets of one metric plus the whole-range total (GROUPING SETS), optionally one series per
 * record of `perRecord`.
 */
export async function seriesRows(q: Queryable, ...args: Parameters<typeof seriesStatement>): Promise<SeriesRow[]> {
  return rows<SeriesRow>(q, seriesStatement(...args));
}

/** The statement of `seriesRows`. */
export function seriesStatement(
  workspaceId: string,
  spec: MetricSpec,
  days: DayRange,
  interval: Interval,
  timeZone: string,
  scope: SeriesScope,
  perRecord: RecordKind | null,
): SQL {
  const conditions: SQL[] = [dayCondition(days)];
  if (scope.accountIds) conditions.push(anyOf(r.accountId, scope.accountIds));
  if (scope.userIds) conditions.push(anyOf(r.userId, scope.userIds));
  if (scope.accountWhere) {
    const t = RECORDS.ACCOUNT;
    conditions.push(
      sql`${r.accountId} in (select ${t.id} from ${tableAs(t)} where ${t.workspaceId} = ${workspaceId} and ${scope.accountWhere})`,
    );
  }
  if (scope.userWhere) {
    const t = RECORDS.USER;
    conditions.push(sql`${r.userId} in (select ${t.id} from ${tableAs(t)} where ${t.workspaceId} = ${workspaceId} and ${scope.userWhere})`);
  }
  const record = perRecord ? ROLLUP_KEY(perRecord) : sql`null::text`;
  const sets = perRecord ? sql`grouping sets ((${record}, b.bucket), (${record}))` : sql`grouping sets ((b.bucket), ())`;
  // Restricted to accounts and reading no user: the per-account rollup holds every row it needs.
  const accountsOnly = (scope.accountIds || scope.accountWhere) && !scope.userIds && !scope.userWhere && perRecord !== 'USER';
  const source = accountsOnly ? accountMetricSource(workspaceId, spec, days, timeZone) : metricSource(workspaceId, spec, days, timeZone);
  return sql`select ${record} as id, case when grouping(b.bucket) = 0 then b.bucket::text end as bucket, ${aggregateExpr(spec)} as value
        from ${source}
        cross join lateral (select ${bucketExpr(interval)} as bucket) as b
        where ${sql.join(conditions, sql` and `)}
        group by ${sets}`;
}
