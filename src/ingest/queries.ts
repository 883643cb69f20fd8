import { type SQL, sql } from 'drizzle-orm';
import type { RecordKind } from '../catalog/inference.ts';
import { jsonParam, type Queryable, rows } from '../db/client.ts';
import type { Dimensions } from '../db/schema.ts';
import type { EventRecord } from './records.ts';
import type { Scalar } from './values.ts';

/**
 * All SQL of ingestion. Each function is one statement whatever the batch size: the batch travels
 * as a single jsonb parameter (constant statement text, so one prepared statement serves every
 * batch size) and rows are processed in key order so concurrent batches lock rows in the same
 * order and cannot deadlock.
 */

/** The event-name counter shard a statement writes to: one per connection, so concurrent batches rarely share a row. */
const COUNTER_SHARD = sql`(pg_backend_pid() % 8)`;

const TABLES: Record<RecordKind, string> = { ACCOUNT: 'accounts', USER: 'users' };
const table = (object: RecordKind) => sql.identifier(TABLES[object]);

/** Lock and read the existing rows among `ids` (sorted, so concurrent calls lock in one order). */
export async function lockExisting(
  q: Queryable,
  object: RecordKind,
  workspaceId: string,
  ids: readonly string[],
): Promise<Map<string, Dimensions>> {
  if (ids.length === 0) return new Map();
  const found = await rows<{ id: string; dims: Dimensions }>(
    q,
    sql`select t.id, t.dims from ${table(object)} t
        where t.workspace_id = ${workspaceId} and t.id in (select jsonb_array_elements_text(${jsonParam(ids)}))
        order by t.id for update`,
  );
  return new Map(found.map((row) => [row.id, row.dims]));
}

/** Which of `ids` exist (no lock: used only to describe rejected records). */
export async function findExisting(q: Queryable, object: RecordKind, workspaceId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const found = await rows<{ id: string }>(
    q,
    sql`select t.id from ${table(object)} t where t.workspace_id = ${workspaceId} and t.id in (select jsonb_array_elements_text(${jsonParam(ids)}))`,
  );
  return new Set(found.map((row) => row.id));
}

export interface Patch {
  id: string;
  patch: Record<string, Scalar | null>;
}

/**
 * Merge patches into existing rows in SQL: fields present overwrite, nulls clear, absent fields stay.
 * Rows whose merged value equals the stored one are not rewritten.
 */
export async function mergeExisting(q: Queryable, object: RecordKind, workspaceId: string, patches: readonly Patch[]): Promise<void> {
  if (patches.length === 0) return;
  await q.execute(sql`
    update ${table(object)} as t
    set dims = jsonb_strip_nulls(t.dims || r.patch), updated_at = now()
    from (select * from jsonb_to_recordset(${jsonParam(patches)}) as x(id text, patch jsonb) order by x.id) as r
    where t.workspace_id = ${workspaceId} and t.id = r.id
      and t.dims is distinct from jsonb_strip_nulls(t.dims || r.patch)`);
}

/**
 * Insert new rows; returns the IDs that this statement inserted. An ID another call created between
 * our read and this insert is left alone here: the caller locks it and merges into it (so the
 * statistics see the fields it had before).
 */
export async function insertNew(q: Queryable, object: RecordKind, workspaceId: string, patches: readonly Patch[]): Promise<Set<string>> {
  if (patches.length === 0) return new Set();
  const inserted = await rows<{ id: string }>(
    q,
    sql`
      insert into ${table(object)} as t (workspace_id, id, dims)
      select ${workspaceId}, r.id, jsonb_strip_nulls(r.patch)
      from jsonb_to_recordset(${jsonParam(patches)}) as r(id text, patch jsonb)
      order by r.id
      on conflict (workspace_id, id) do nothing
      returning t.id`,
  );
  return new Set(inserted.map((row) => row.id));
}

/** Delete rows; returns the deleted ones with their fields. */
export async function deleteByIds(
  q: Queryable,
  object: RecordKind,
  workspaceId: string,
  ids: readonly string[],
): Promise<Map<string, Dimensions>> {
  if (ids.length === 0) return new Map();
  const deleted = await rows<{ id: string; dims: Dimensions }>(
    q,
    sql`delete from ${table(object)} t
        where t.workspace_id = ${workspaceId} and t.id in (select jsonb_array_elements_text(${jsonParam(ids)}))
        returning t.id, t.dims`,
  );
  return new Map(deleted.map((row) => [row.id, row.dims]));
}

/**
 * CTEs `window_deltas`, `window_members` and `windows` (to place in a WITH list): add per-record
 * deltas of a count metric to the maintained windows that count their event and contain their day
 * (`metric_window_totals`, see src/db/schema.ts). `deltas` is a CTE name with columns
 * (name, day, object, record_id, user_id, delta). For account windows, each user's events in the
 * account (`metric_window_members`) are kept too: a user whose count there leaves or reaches zero
 * moves the account's `users` by one, read from the written rows alone (`previous_count`). Rows
 * are applied in key order, like every other upsert here.
 */
function applyWindowDeltas(workspaceId: string, deltas: SQL): SQL {
  return sql`window_deltas as (
      select mw.kind, mw.name, d.object, mw.first_day, mw.last_day, d.record_id, d.user_id, d.delta
      from ${deltas} d
      join metric_windows mw on mw.workspace_id = ${workspaceId} and mw.object = d.object and d.name = any(mw.names)
        and d.day between mw.first_day and mw.last_day
      where d.record_id is not null
    ), window_members as (
      insert into metric_window_members as mm (workspace_id, kind, name, first_day, last_day, account_id, user_id, count)
      select ${workspaceId}, kind, name, first_day, last_day, record_id, user_id, sum(delta)
      from window_deltas where object = 'ACCOUNT' and user_id is not null
      group by kind, name, first_day, last_day, record_id, user_id
      having sum(delta) <> 0
      order by kind, name, first_day, last_day, record_id, user_id
      on conflict (workspace_id, kind, name, first_day, last_day, account_id, user_id) do update set
        previous_count = mm.count,
        count = mm.count + excluded.count
      returning mm.kind, mm.name, mm.first_day, mm.last_day, mm.account_id, mm.count, mm.previous_count
    ), window_changes as (
      select kind, name, object, first_day, last_day, record_id, delta as count, 0 as users from window_deltas
      union all
      select kind, name, 'ACCOUNT', first_day, last_day, account_id, 0, (count > 0)::int - (previous_count > 0)::int
      from window_members
    ), windows as (
      insert into metric_window_totals as w (workspace_id, kind, name, object, first_day, last_day, record_id, count, users)
      select ${workspaceId}, kind, name, object, first_day, last_day, record_id, sum(count), sum(users)
      from window_changes
      group by kind, name, object, first_day, last_day, record_id
      having sum(count) <> 0 or sum(users) <> 0
      order by kind, name, object, first_day, last_day, record_id
      on conflict (workspace_id, kind, name, object, first_day, last_day, record_id) do update set
        count = w.count + excluded.count,
        users = w.users + excluded.users
      returning 1
    )`;
}

/**
 * CTE `account_days` (to place in a WITH list): add the ACCOUNT rows of per-record deltas of a count
 * metric (CTE `deltas`: name, day, object, record_id, delta) to the per-account daily rollup
 * (`account_daily`), in key order.
 */
function applyAccountDayDeltas(workspaceId: string, deltas: SQL): SQL {
  return sql`account_days as (
      insert into account_daily as a (workspace_id, name, day, account_id, count)
      select ${workspaceId}, name, day, record_id, sum(delta) from ${deltas}
      where object = 'ACCOUNT' and record_id is not null
      group by name, day, record_id
      having sum(delta) <> 0
      order by name, day, record_id
      on conflict (workspace_id, name, day, account_id) do update set count = a.count + excluded.count
      returning 1
    )`;
}

/**
 * CTEs `reach_summed`, `reach` and `reach_counted` (to place in a WITH list): add per-record deltas of
 * every metric to the all-time totals (`metric_reach`, see src/db/schema.ts), and count the users and
 * accounts whose total leaves or reaches zero in this connection's shard of `metric_reach_counts`.
 * `deltas` is a CTE name with columns (kind, key, object, record_id, delta, total, first_at, last_at);
 * rows are applied in key order. Each write keeps the row's count before it (`previous_count`, 0 for a
 * new row), so a total that leaves or reaches zero is recognised from the returned row alone, also
 * when concurrent batches add to the same row (the later one updates the earlier one's committed row).
 */
function applyReachDeltas(workspaceId: string, deltas: SQL): SQL {
  return sql`reach_summed as (
      select kind, object, key, record_id, sum(delta)::bigint as delta, coalesce(sum(total), 0) as total,
        min(first_at) as first_at, max(last_at) as last_at
      from ${deltas} where record_id is not null
      group by kind, object, key, record_id
      having sum(delta) <> 0
    ), reach as (
      insert into metric_reach as r (workspace_id, kind, object, key, record_id, count, total, first_at, last_at)
      select ${workspaceId}, kind, object, key, record_id, delta, total, first_at, last_at from reach_summed
      order by kind, object, key, record_id
      on conflict (workspace_id, kind, object, key, record_id) do update set
        previous_count = r.count,
        count = r.count + excluded.count,
        total = r.total + excluded.total,
        first_at = least(r.first_at, excluded.first_at),
        last_at = greatest(r.last_at, excluded.last_at)
      returning r.kind, r.object, r.key, r.count, r.previous_count
    ), reach_counted as (
      insert into metric_reach_counts as c (workspace_id, kind, key, shard, users, accounts)
      select ${workspaceId}, x.kind, x.key, ${COUNTER_SHARD},
        coalesce(sum(t.n) filter (where x.object = 'USER'), 0), coalesce(sum(t.n) filter (where x.object = 'ACCOUNT'), 0)
      from reach x
      cross join lateral (select case when x.previous_count = 0 and x.count > 0 then 1 when x.previous_count > 0 and x.count = 0 then -1 else 0 end as n) as t
      where x.object in ('USER', 'ACCOUNT') and t.n <> 0
      group by x.kind, x.key
      order by x.kind, x.key
      on conflict (workspace_id, kind, key, shard) do update set
        users = c.users + excluded.users,
        accounts = c.accounts + excluded.accounts
      returning 1
    )`;
}

/** Columns of a reach delta without a value sum or bounds (users and accounts). */
const NO_VALUE = sql.raw('null::numeric as total, null::timestamptz as first_at, null::timestamptz as last_at');

/**
 * Attribution lock: event batches take it shared (many at once), user calls that change account
 * links take it exclusively, so a link change and the rollups of concurrent events never miss
 * each other. Held until the transaction ends.
 */
export async function lockAttribution(q: Queryable, workspaceId: string, mode: 'shared' | 'exclusive'): Promise<void> {
  await q.execute(
    mode === 'shared'
      ? sql`select pg_advisory_xact_lock_shared(hashtext(${workspaceId}))`
      : sql`select pg_advisory_xact_lock(hashtext(${workspaceId}))`,
  );
}

/** Point a rollup's rows of events without an explicit account at the links' accounts (a CTE body). */
const relink = (workspaceId: string, rollup: 'metric_daily' | 'property_daily') => sql`
      update ${sql.identifier(rollup)} r set account_id = l.account_id
      from links l
      where r.workspace_id = ${workspaceId} and r.user_id = l.user_id and r.explicit_account_id = ''
        and r.account_id is distinct from l.account_id
      returning 1`;

/**
 * Point the rollups of events that carry no account of their own at their user's current account
 * (null when the user has none or was deleted). This is what makes account attribution retroactive.
 */
export async function reattribute(
  q: Queryable,
  workspaceId: string,
  links: ReadonlyArray<{ user_id: string; account_id: string | null }>,
): Promise<void> {
  if (links.length === 0) return;
  await q.execute(sql`
    with links as (
      select * from jsonb_to_recordset(${jsonParam(links)}) as l(user_id text, account_id text)
    ), moved as (
      -- The rows as they were (the statement's snapshot; the exclusive attribution lock keeps writers out).
      select m.name, m.day, m.user_id, m.count, m.account_id as old_account, l.account_id as new_account
      from metric_daily m join links l on m.user_id = l.user_id
      where m.workspace_id = ${workspaceId} and m.explicit_account_id = '' and m.account_id is distinct from l.account_id
    ), moved_values as (
      select p.property, p.n, p.account_id as old_account, l.account_id as new_account
      from property_daily p join links l on p.user_id = l.user_id
      where p.workspace_id = ${workspaceId} and p.explicit_account_id = '' and p.account_id is distinct from l.account_id
    ), counts as (${relink(workspaceId, 'metric_daily')}
    ), props as (${relink(workspaceId, 'property_daily')}
    ), deltas as (
      select m.name, m.day, 'ACCOUNT' as object, d.record_id, m.user_id, d.delta
      from moved m cross join lateral (values (m.old_account, -m.count), (m.new_account, m.count)) as d(record_id, delta)
    ), ${applyWindowDeltas(workspaceId, sql`deltas`)}, ${applyAccountDayDeltas(workspaceId, sql`deltas`)}, reach_deltas as (
      select 'COUNT' as kind, 'ACCOUNT' as object, name as key, record_id, delta, ${NO_VALUE} from deltas
      union all
      select 'VALUE', 'ACCOUNT', p.property, d.record_id, d.delta, ${NO_VALUE}
      from moved_values p cross join lateral (values (p.old_account, -p.n), (p.new_account, p.n)) as d(record_id, delta)
    ), ${applyReachDeltas(workspaceId, sql`reach_deltas`)}
    select 1`);
}

/**
 * Insert events exactly once and fold the newly inserted ones (only those) into the daily rollups
 * and the event-name catalog, all in one statement. Returns the dedup keys inserted.
 */
export async function insertEvents(q: Queryable, workspaceId: string, events: readonly EventRecord[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const batch = events.map((e) => ({
    k: e.dedupKey,
    eid: e.eventId,
    name: e.name,
    ts: e.timestamp.toISOString(),
    uid: e.userId,
    aid: e.accountId,
    props: e.properties,
  }));
  const inserted = await rows<{ dedup_key: string }>(
    q,
    sql`
    with input as (
      select * from jsonb_to_recordset(${jsonParam(batch)})
        as r(k text, eid text, name text, ts timestamptz, uid text, aid text, props jsonb)
    ), ins as (
      insert into events (workspace_id, dedup_key, event_id, name, occurred_at, user_id, account_id, properties)
      select ${workspaceId}, k, eid, name, ts, uid, aid, props from input order by k
      on conflict (workspace_id, dedup_key) do nothing
      returning dedup_key, name, occurred_at, user_id, account_id, properties
    ), attributed as (
      select ins.*, coalesce(ins.account_id, u.account_id) as effective_account,
             (ins.occurred_at at time zone 'UTC')::date as day
      from ins left join users u on u.workspace_id = ${workspaceId} and u.id = ins.user_id
    ), counts as (
      insert into metric_daily as m (workspace_id, name, day, user_id, explicit_account_id, account_id, count, last_at)
      select ${workspaceId}, name, day, user_id, coalesce(account_id, ''), min(effective_account), count(*), max(occurred_at)
      from attributed
      group by name, day, user_id, coalesce(account_id, '')
      order by name, day, user_id, coalesce(account_id, '')
      on conflict (workspace_id, name, day, user_id, explicit_account_id) do update set
        count = m.count + excluded.count,
        last_at = greatest(m.last_at, excluded.last_at),
        account_id = excluded.account_id
      returning 1
    ), vals as (
      -- numeric, so that the sums of values near ±1.8e308 cannot overflow (the stored values are finite doubles).
      select a.name, a.day, a.user_id, coalesce(a.account_id, '') as explicit, a.effective_account, a.occurred_at,
             p.key as property, p.value::numeric as v
      from attributed a, jsonb_each(a.properties) as p(key, value)
      where jsonb_typeof(p.value) = 'number'
    ), props as (
      insert into property_daily as p (workspace_id, property, name, day, user_id, explicit_account_id, account_id, n, sum, min, max, last_at, last_value)
      select ${workspaceId}, property, name, day, user_id, explicit, min(effective_account), count(*), sum(v), min(v)::float8, max(v)::float8,
             max(occurred_at), ((array_agg(v order by occurred_at desc))[1])::float8
      from vals
      group by property, name, day, user_id, explicit
      order by property, name, day, user_id, explicit
      on conflict (workspace_id, property, name, day, user_id, explicit_account_id) do update set
        n = p.n + excluded.n,
        sum = p.sum + excluded.sum,
        min = least(p.min, excluded.min),
        max = greatest(p.max, excluded.max),
        last_value = case when excluded.last_at >= p.last_at then excluded.last_value else p.last_value end,
        last_at = greatest(p.last_at, excluded.last_at),
        account_id = excluded.account_id
      returning 1
    ), activity as (
      select a.name, a.day, o.object, o.record_id, a.user_id, 1 as delta
      from attributed a cross join lateral (values ('ACCOUNT', a.effective_account), ('USER', a.user_id)) as o(object, record_id)
    ), ${applyWindowDeltas(workspaceId, sql`activity`)}, ${applyAccountDayDeltas(workspaceId, sql`activity`)}, reach_deltas as (
      select 'COUNT' as kind, object, name as key, record_id, delta, ${NO_VALUE} from activity
      union all
      -- A value metric's events per user, per account and per event name (with the values' sum and bounds).
      select 'VALUE', o.object, v.property, o.record_id, 1, o.total, o.first_at, o.last_at
      from vals v cross join lateral (values
        ('ACCOUNT', v.effective_account, null::numeric, null::timestamptz, null::timestamptz),
        ('USER', v.user_id, null, null, null),
        ('NAME', v.name, v.v, v.day::timestamp at time zone 'UTC', v.occurred_at)) as o(object, record_id, total, first_at, last_at)
    ), ${applyReachDeltas(workspaceId, sql`reach_deltas`)}, names as (
      insert into event_name_counters as n (workspace_id, name, shard, event_count, first_at, last_at)
      select ${workspaceId}, name, ${COUNTER_SHARD}, count(*), min(occurred_at), max(occurred_at)
      from ins group by name order by name
      on conflict (workspace_id, name, shard) do update set
        event_count = n.event_count + excluded.event_count,
        first_at = least(n.first_at, excluded.first_at),
        last_at = greatest(n.last_at, excluded.last_at)
      returning 1
    )
    select dedup_key from ins`,
  );
  return new Set(inserted.map((row) => row.dedup_key));
}

/** Purge the events (and their rollups) of deleted users or accounts, then re-count the event-name catalog. */
export async function purgeEvents(q: Queryable, workspaceId: string, by: 'user' | 'account', ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const column = sql.identifier(by === 'user' ? 'user_id' : 'account_id');
  const rollupColumn = sql.identifier(by === 'user' ? 'user_id' : 'explicit_account_id');
  await q.execute(sql`
    with ids as (select jsonb_array_elements_text(${jsonParam(ids)}) as id),
    gone as (
      delete from events e using ids where e.workspace_id = ${workspaceId} and e.${column} = ids.id
      returning e.name
    ), m as (
      delete from metric_daily r using ids where r.workspace_id = ${workspaceId} and r.${rollupColumn} = ids.id
      returning r.name, r.day, r.user_id, r.account_id, r.count
    ), purged as (
      select m.name, m.day, o.object, o.record_id, m.user_id, -m.count as delta
      from m cross join lateral (values ('ACCOUNT', m.account_id), ('USER', m.user_id)) as o(object, record_id)
    ), ${applyWindowDeltas(workspaceId, sql`purged`)}, ${applyAccountDayDeltas(workspaceId, sql`purged`)}, p as (
      delete from property_daily r using ids where r.workspace_id = ${workspaceId} and r.${rollupColumn} = ids.id
      returning r.property, r.name, r.user_id, r.account_id, r.n, r.sum
    ), reach_deltas as (
      select 'COUNT' as kind, object, name as key, record_id, delta, ${NO_VALUE} from purged
      union all
      -- (A purge lowers totals; the bounds a value metric was seen within do not move, as for event names.)
      select 'VALUE', o.object, p.property, o.record_id, -p.n, o.total, null::timestamptz, null::timestamptz
      from p cross join lateral (values ('ACCOUNT', p.account_id, null::numeric), ('USER', p.user_id, null), ('NAME', p.name, -p.sum))
        as o(object, record_id, total)
    ), ${applyReachDeltas(workspaceId, sql`reach_deltas`)}, removed as (
      select name, count(*) as n from gone group by name
    )
    -- A negative delta in this connection's shard: the sum over shards stays exact.
    insert into event_name_counters as c (workspace_id, name, shard, event_count, first_at, last_at)
    -- (first/last seen are copied from the existing counters, so the view's bounds do not move.)
    select ${workspaceId}, r.name, ${COUNTER_SHARD}, -r.n, b.first_at, b.last_at
    from removed r join event_names b on b.workspace_id = ${workspaceId} and b.name = r.name
    order by r.name
    on conflict (workspace_id, name, shard) do update set event_count = c.event_count + excluded.event_count`);
}
