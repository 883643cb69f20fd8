import { type SQL, sql } from 'drizzle-orm';
import { jsonParam, type Queryable, rows } from '../db/client.ts';
import {
  accountDaily,
  eventNameCounters,
  eventNames,
  events as eventsTable,
  fieldChanges,
  metricDaily,
  metricReach,
  metricReachCounts,
  metricWindowMembers,
  metricWindows,
  metricWindowTotals,
  propertyDaily,
  rollupVersions,
  unfoldedEvents,
  users,
} from '../db/schema.ts';
import { accumulate, alias, columnList, columnName, keepGreatest, keepLeast, tableAs, takeProposed } from '../db/sql.ts';
import type { RecordKind } from '../vocabulary.ts';

/**
 * All SQL that writes the tables derived from events: the per-day rollups (`metric_daily`,
 * `property_daily`, `account_daily`), the all-time totals (`metric_reach`, `metric_reach_counts`),
 * the maintained windows' totals and members, the event-name counters and the change counters of
 * kept answers (`rollup_versions`). Three kinds of write change them: the fold, which applies
 * acknowledged events (`foldEvents`); retroactive attribution (`reattribute`); purges
 * (`purgeEvents`). Each is one statement whatever the batch size, and applies its rows in key
 * order so concurrent writers lock rows in the same order and cannot deadlock.
 */

/** The counter shard a statement writes to: one per connection, so concurrent writers rarely share a row. */
export const COUNTER_SHARD = sql`(pg_backend_pid() % 8)`;

/** The ISO week (its Monday) of a UTC day, as `rollup_versions.week` holds it. */
export const isoWeek = (day: SQL) => sql`date_trunc('week', (${day})::timestamp)::date`;

// Table aliases, as the statements name them: grouped per statement (or family of statements),
// because one letter stands for different tables in different statements.
/** The maintained windows (`applyWindowDeltas`). */
const WINDOW_ALIASES = {
  mw: alias(metricWindows, 'mw'),
  mm: alias(metricWindowMembers, 'mm'),
  w: alias(metricWindowTotals, 'w'),
} as const;
/** The per-account daily rollup (`applyAccountDayDeltas`). */
const ACCOUNT_DAY_ALIASES = { a: alias(accountDaily, 'a') } as const;
/** The all-time totals (`applyReachDeltas`). */
const REACH_ALIASES = { r: alias(metricReach, 'r'), c: alias(metricReachCounts, 'c') } as const;
/** The daily rollups where a statement reads or writes them as `m` and `p` (`reattribute`, `foldEvents`). */
const ROLLUP_ALIASES = { m: alias(metricDaily, 'm'), p: alias(propertyDaily, 'p') } as const;
/** A daily rollup where a statement rewrites or deletes its rows as `r` (`relink`, `purgeEvents`). */
const ROLLUP_AS_R = { metricDaily: alias(metricDaily, 'r'), propertyDaily: alias(propertyDaily, 'r') } as const;
/** The other tables of `foldEvents`. */
const INSERT_ALIASES = { u: alias(users, 'u'), n: alias(eventNameCounters, 'n') } as const;
/** The other tables of `purgeEvents`. */
const PURGE_ALIASES = { e: alias(eventsTable, 'e'), c: alias(eventNameCounters, 'c'), b: alias(eventNames, 'b') } as const;

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
  const { mw, mm, w } = WINDOW_ALIASES;
  return sql`window_deltas as (
      select ${mw.kind}, ${mw.name}, d.object, ${mw.firstDay}, ${mw.lastDay}, d.record_id, d.user_id, d.delta
      from ${deltas} d
      join ${tableAs(mw)} on ${mw.workspaceId} = ${workspaceId} and ${mw.object} = d.object and d.name = any(${mw.names})
        and d.day between ${mw.firstDay} and ${mw.lastDay}
      where d.record_id is not null
    ), window_members as (
      insert into ${metricWindowMembers} as ${mm} (${columnList(mm.workspaceId, mm.kind, mm.name, mm.firstDay, mm.lastDay, mm.accountId, mm.userId, mm.count)})
      select ${workspaceId}, kind, name, first_day, last_day, record_id, user_id, sum(delta)
      from window_deltas where object = 'ACCOUNT' and user_id is not null
      group by kind, name, first_day, last_day, record_id, user_id
      having sum(delta) <> 0
      order by kind, name, first_day, last_day, record_id, user_id
      on conflict (${columnList(mm.workspaceId, mm.kind, mm.name, mm.firstDay, mm.lastDay, mm.accountId, mm.userId)}) do update set
        ${columnName(mm.previousCount)} = ${mm.count},
        ${accumulate(mm.count)}
      returning ${mm.kind}, ${mm.name}, ${mm.firstDay}, ${mm.lastDay}, ${mm.accountId}, ${mm.count}, ${mm.previousCount}
    ), window_changes as (
      select kind, name, object, first_day, last_day, record_id, delta as count, 0 as users from window_deltas
      union all
      select kind, name, 'ACCOUNT', first_day, last_day, account_id, 0, (count > 0)::int - (previous_count > 0)::int
      from window_members
    ), windows as (
      insert into ${metricWindowTotals} as ${w} (${columnList(w.workspaceId, w.kind, w.name, w.object, w.firstDay, w.lastDay, w.recordId, w.count, w.users)})
      select ${workspaceId}, kind, name, object, first_day, last_day, record_id, sum(count), sum(users)
      from window_changes
      group by kind, name, object, first_day, last_day, record_id
      having sum(count) <> 0 or sum(users) <> 0
      order by kind, name, object, first_day, last_day, record_id
      on conflict (${columnList(w.workspaceId, w.kind, w.name, w.object, w.firstDay, w.lastDay, w.recordId)}) do update set
        ${accumulate(w.count)},
        ${accumulate(w.users)}
      returning 1
    )`;
}

/**
 * CTE `account_days` (to place in a WITH list): add the ACCOUNT rows of per-record deltas of a count
 * metric (CTE `deltas`: name, day, object, record_id, delta) to the per-account daily rollup
 * (`account_daily`), in key order.
 */
function applyAccountDayDeltas(workspaceId: string, deltas: SQL): SQL {
  const { a } = ACCOUNT_DAY_ALIASES;
  return sql`account_days as (
      insert into ${accountDaily} as ${a} (${columnList(a.workspaceId, a.name, a.day, a.accountId, a.count)})
      select ${workspaceId}, name, day, record_id, sum(delta) from ${deltas}
      where object = 'ACCOUNT' and record_id is not null
      group by name, day, record_id
      having sum(delta) <> 0
      order by name, day, record_id
      on conflict (${columnList(a.workspaceId, a.name, a.day, a.accountId)}) do update set ${accumulate(a.count)}
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
  const { r, c } = REACH_ALIASES;
  return sql`reach_summed as (
      select kind, object, key, record_id, sum(delta)::bigint as delta, coalesce(sum(total), 0) as total,
        min(first_at) as first_at, max(last_at) as last_at
      from ${deltas} where record_id is not null
      group by kind, object, key, record_id
      having sum(delta) <> 0
    ), reach as (
      insert into ${metricReach} as ${r} (${columnList(r.workspaceId, r.kind, r.object, r.key, r.recordId, r.count, r.total, r.firstAt, r.lastAt)})
      select ${workspaceId}, kind, object, key, record_id, delta, total, first_at, last_at from reach_summed
      order by kind, object, key, record_id
      on conflict (${columnList(r.workspaceId, r.kind, r.object, r.key, r.recordId)}) do update set
        ${columnName(r.previousCount)} = ${r.count},
        ${accumulate(r.count)},
        ${accumulate(r.total)},
        ${keepLeast(r.firstAt)},
        ${keepGreatest(r.lastAt)}
      returning ${r.kind}, ${r.object}, ${r.key}, ${r.count}, ${r.previousCount}
    ), reach_counted as (
      insert into ${metricReachCounts} as ${c} (${columnList(c.workspaceId, c.kind, c.key, c.shard, c.users, c.accounts)})
      select ${workspaceId}, x.kind, x.key, ${COUNTER_SHARD},
        coalesce(sum(t.n) filter (where x.object = 'USER'), 0), coalesce(sum(t.n) filter (where x.object = 'ACCOUNT'), 0)
      from reach x
      cross join lateral (select case when x.previous_count = 0 and x.count > 0 then 1 when x.previous_count > 0 and x.count = 0 then -1 else 0 end as n) as t
      where x.object in ('USER', 'ACCOUNT') and t.n <> 0
      group by x.kind, x.key
      order by x.kind, x.key
      on conflict (${columnList(c.workspaceId, c.kind, c.key, c.shard)}) do update set
        ${accumulate(c.users)},
        ${accumulate(c.accounts)}
      returning 1
    )`;
}

/**
 * CTE `rollup_changes` (to place in a WITH list): count one change of every (event name, ISO week)
 * among `changes` (a CTE name with columns name and day: the rollup rows a statement writes) in this
 * connection's shard of `rollup_versions`, so that answers kept from those weeks' rollups are
 * grouped again on their next read (src/insights/answers.ts). Rows in key order.
 */
function countRollupChanges(workspaceId: string, changes: SQL): SQL {
  const v = rollupVersions;
  return sql`rollup_changes as (
      insert into ${v} (${columnList(v.workspaceId, v.name, v.week, v.shard, v.version)})
      select ${workspaceId}, c.name, c.week, ${COUNTER_SHARD}, 1
      from (select distinct name, ${isoWeek(sql`day`)} as week from ${changes}) as c
      order by c.name, c.week
      on conflict (${columnList(v.workspaceId, v.name, v.week, v.shard)}) do update set
        ${columnName(v.version)} = ${v.version} + 1
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
const relink = (workspaceId: string, r: (typeof ROLLUP_AS_R)[keyof typeof ROLLUP_AS_R]) => sql`
      update ${tableAs(r)} set ${columnName(r.accountId)} = l.account_id
      from links l
      where ${r.workspaceId} = ${workspaceId} and ${r.userId} = l.user_id and ${r.explicitAccountId} = ''
        and ${r.accountId} is distinct from l.account_id
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
  const { m, p } = ROLLUP_ALIASES;
  await q.execute(sql`
    with links as (
      select * from jsonb_to_recordset(${jsonParam(links)}) as l(user_id text, account_id text)
    ), moved as (
      -- The rows as they were (the statement's snapshot; the exclusive attribution lock keeps writers out).
      select ${m.name}, ${m.day}, ${m.userId}, ${m.count}, ${m.accountId} as old_account, l.account_id as new_account
      from ${tableAs(m)} join links l on ${m.userId} = l.user_id
      where ${m.workspaceId} = ${workspaceId} and ${m.explicitAccountId} = '' and ${m.accountId} is distinct from l.account_id
    ), moved_values as (
      select ${p.property}, ${p.n}, ${p.accountId} as old_account, l.account_id as new_account
      from ${tableAs(p)} join links l on ${p.userId} = l.user_id
      where ${p.workspaceId} = ${workspaceId} and ${p.explicitAccountId} = '' and ${p.accountId} is distinct from l.account_id
    ), counts as (${relink(workspaceId, ROLLUP_AS_R.metricDaily)}
    ), props as (${relink(workspaceId, ROLLUP_AS_R.propertyDaily)}
    ), deltas as (
      select m.name, m.day, 'ACCOUNT' as object, d.record_id, m.user_id, d.delta
      from moved m cross join lateral (values (m.old_account, -m.count), (m.new_account, m.count)) as d(record_id, delta)
    ), ${applyWindowDeltas(workspaceId, sql`deltas`)}, ${applyAccountDayDeltas(workspaceId, sql`deltas`)}, reach_deltas as (
      select 'COUNT' as kind, 'ACCOUNT' as object, name as key, record_id, delta, ${NO_VALUE} from deltas
      union all
      select 'VALUE', 'ACCOUNT', p.property, d.record_id, d.delta, ${NO_VALUE}
      from moved_values p cross join lateral (values (p.old_account, -p.n), (p.new_account, p.n)) as d(record_id, delta)
    ), ${applyReachDeltas(workspaceId, sql`reach_deltas`)}, ${countRollupChanges(workspaceId, sql`moved`)}
    select 1`);
}

/** Events a fold applies in one statement (a longer tail is folded in several). */
export const FOLD_CHUNK = 2500;

/**
 * Fold up to FOLD_CHUNK acknowledged events of a workspace, oldest first, into every derived table,
 * in one statement: take their rows out of `unfolded_events` (only committed ones are visible, so a
 * writer that commits after a later one is folded by a later fold, never skipped; rows another fold
 * has taken are skipped, so folds of one workspace run side by side on disjoint events), read the events,
 * attribute each to its explicit account or its user's current one, and add them to the rollups,
 * totals, windows, event-name counters and change counters. Call it in a transaction holding the
 * fold lock and the attribution lock (shared): `foldEventChunk` in src/rollups/fold.ts. `upTo`: only
 * events queued at or before that sequence number (what a read must see). Returns how many events it
 * took.
 */
export async function foldEvents(q: Queryable, workspaceId: string, upTo: number | null = null): Promise<number> {
  const [result] = await rows<{ taken: number }>(
    q,
    sql`
    with ${takeQueuedEvents(workspaceId, upTo)}, ${addToMetricDaily(workspaceId)}, ${addToPropertyDaily(workspaceId)}, activity as (
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
    ), ${applyReachDeltas(workspaceId, sql`reach_deltas`)}, ${countRollupChanges(workspaceId, sql`attributed`)}, ${countEventNames(workspaceId)}
    select count(*)::int as taken from taken`,
  );
  return result?.taken ?? 0;
}

/**
 * CTEs `picked`, `taken`, `ins` and `attributed` (to start a WITH list): take up to FOLD_CHUNK queued
 * events of the workspace (up to `upTo`), read them, and attribute each to its explicit account or
 * its user's current one, with its UTC day.
 */
function takeQueuedEvents(workspaceId: string, upTo: number | null): SQL {
  const { u } = INSERT_ALIASES;
  const x = alias(unfoldedEvents, 'x');
  const e = alias(eventsTable, 'e');
  return sql`picked as materialized (
      -- Picked once (the queue's statistics are often stale: planned as a join, this was re-run per row).
      select ${unfoldedEvents.seq} as seq from ${unfoldedEvents} where ${unfoldedEvents.workspaceId} = ${workspaceId}
        ${upTo === null ? sql`` : sql`and ${unfoldedEvents.seq} <= ${upTo}`}
      order by ${unfoldedEvents.seq} limit ${FOLD_CHUNK}::int
      for update skip locked
    ), taken as (
      delete from ${tableAs(x)} using picked
      where ${x.workspaceId} = ${workspaceId} and ${x.seq} = picked.seq
      returning ${x.dedupKey}
    ), ins as (
      -- Each event and its user by key (LIMIT 1: a lookup per taken event, never a join the planner
      -- could turn into hashing every event or user of the workspace when its statistics are stale).
      select e.* from taken cross join lateral (
        select ${e.dedupKey}, ${e.name}, ${e.occurredAt}, ${e.userId}, ${e.accountId}, ${e.properties}
        from ${tableAs(e)} where ${e.workspaceId} = ${workspaceId} and ${e.dedupKey} = taken.dedup_key limit 1
      ) as e
    ), attributed as (
      select ins.*, coalesce(ins.account_id, u.account_id) as effective_account,
             (ins.occurred_at at time zone 'UTC')::date as day
      from ins left join lateral (
        select ${u.accountId} from ${tableAs(u)} where ${u.workspaceId} = ${workspaceId} and ${u.id} = ins.user_id limit 1
      ) as u on true
    )`;
}

/** CTE `counts`: add the attributed events to the per-user daily counts (`metric_daily`), in key order. */
function addToMetricDaily(workspaceId: string): SQL {
  const { m } = ROLLUP_ALIASES;
  return sql`counts as (
      insert into ${metricDaily} as ${m} (${columnList(m.workspaceId, m.name, m.day, m.userId, m.explicitAccountId, m.accountId, m.count, m.lastAt)})
      select ${workspaceId}, name, day, user_id, coalesce(account_id, ''), min(effective_account), count(*), max(occurred_at)
      from attributed
      group by name, day, user_id, coalesce(account_id, '')
      order by name, day, user_id, coalesce(account_id, '')
      on conflict (${columnList(m.workspaceId, m.name, m.day, m.userId, m.explicitAccountId)}) do update set
        ${accumulate(m.count)},
        ${keepGreatest(m.lastAt)},
        ${takeProposed(m.accountId)}
      returning 1
    )`;
}

/**
 * CTEs `vals` and `props`: the numeric properties of the attributed events (`vals`, also read by the
 * reach deltas), added to the per-user daily property rollup (`property_daily`), in key order.
 */
function addToPropertyDaily(workspaceId: string): SQL {
  const { p } = ROLLUP_ALIASES;
  return sql`vals as (
      -- numeric, so that the sums of values near ±1.8e308 cannot overflow (the stored values are finite doubles).
      select a.name, a.day, a.user_id, coalesce(a.account_id, '') as explicit, a.effective_account, a.occurred_at,
             p.key as property, p.value::numeric as v
      from attributed a, jsonb_each(a.properties) as p(key, value)
      where jsonb_typeof(p.value) = 'number'
    ), props as (
      insert into ${propertyDaily} as ${p} (${columnList(
        p.workspaceId,
        p.property,
        p.name,
        p.day,
        p.userId,
        p.explicitAccountId,
        p.accountId,
        p.n,
        p.sum,
        p.min,
        p.max,
        p.lastAt,
        p.lastValue,
      )})
      select ${workspaceId}, property, name, day, user_id, explicit, min(effective_account), count(*), sum(v), min(v)::float8, max(v)::float8,
             max(occurred_at), ((array_agg(v order by occurred_at desc))[1])::float8
      from vals
      group by property, name, day, user_id, explicit
      order by property, name, day, user_id, explicit
      on conflict (${columnList(p.workspaceId, p.property, p.name, p.day, p.userId, p.explicitAccountId)}) do update set
        ${accumulate(p.n)},
        ${accumulate(p.sum)},
        ${keepLeast(p.min)},
        ${keepGreatest(p.max)},
        ${columnName(p.lastValue)} = case when excluded.${columnName(p.lastAt)} >= ${p.lastAt} then excluded.${columnName(p.lastValue)} else ${p.lastValue} end,
        ${keepGreatest(p.lastAt)},
        ${takeProposed(p.accountId)}
      returning 1
    )`;
}

/** CTE `names`: the taken events' counts and first/last times per event name, in this connection's shard. */
function countEventNames(workspaceId: string): SQL {
  const { n } = INSERT_ALIASES;
  return sql`names as (
      insert into ${eventNameCounters} as ${n} (${columnList(n.workspaceId, n.name, n.shard, n.eventCount, n.firstAt, n.lastAt)})
      select ${workspaceId}, name, ${COUNTER_SHARD}, count(*), min(occurred_at), max(occurred_at)
      from ins group by name order by name
      on conflict (${columnList(n.workspaceId, n.name, n.shard)}) do update set
        ${accumulate(n.eventCount)},
        ${keepLeast(n.firstAt)},
        ${keepGreatest(n.lastAt)}
      returning 1
    )`;
}

/** What a workspace has waiting for the fold: acknowledged events, and accounts' or users' changes for the catalog statistics. */
export interface UnfoldedWork {
  /** The sequence number of the last queued event (null: none waits). */
  lastEvent: number | null;
  records: RecordKind[];
}

/** What the workspace has waiting for the fold (one statement: an index probe per queue). */
export async function unfoldedWork(q: Queryable, workspaceId: string): Promise<UnfoldedWork> {
  const [found] = await rows<UnfoldedWork>(
    q,
    sql`select (select max(${unfoldedEvents.seq})::float8 from ${unfoldedEvents} where ${unfoldedEvents.workspaceId} = ${workspaceId}) as "lastEvent",
      array(select distinct ${fieldChanges.object} from ${fieldChanges} where ${fieldChanges.workspaceId} = ${workspaceId}) as records`,
  );
  return found ?? { lastEvent: null, records: [] };
}

/**
 * Wait for the folds that hold any of the workspace's events queued at or before `upTo`, and count
 * what is still queued there (0 once every one of them is folded; more when a fold failed and left
 * its events, to be taken again).
 */
export async function settleUpTo(q: Queryable, workspaceId: string, upTo: number): Promise<number> {
  const [found] = await rows<{ n: number }>(
    q,
    sql`select count(*)::int as n from (select 1 from ${unfoldedEvents}
      where ${unfoldedEvents.workspaceId} = ${workspaceId} and ${unfoldedEvents.seq} <= ${upTo} for update) as t`,
  );
  return found?.n ?? 0;
}

/** The workspace's unfolded events, counted up to `upTo` (so the count costs at most that many index entries). */
export async function countUnfolded(q: Queryable, workspaceId: string, upTo: number): Promise<number> {
  const [found] = await rows<{ n: number }>(
    q,
    sql`select count(*)::int as n from (select 1 from ${unfoldedEvents} where ${unfoldedEvents.workspaceId} = ${workspaceId} limit ${upTo}::int) as t`,
  );
  return found?.n ?? 0;
}

/**
 * Workspaces with anything waiting for the fold. The events' queue is walked one workspace at a
 * time along its key (a skip scan: as many index probes as workspaces, whatever the queue's length).
 */
export async function workspacesWithUnfoldedWork(q: Queryable): Promise<string[]> {
  const u = alias(unfoldedEvents, 'u');
  const found = await rows<{ ws: string }>(
    q,
    sql`with recursive w(ws) as (
        (select ${unfoldedEvents.workspaceId} from ${unfoldedEvents} order by 1 limit 1)
        union all
        select (select ${u.workspaceId} from ${tableAs(u)} where ${u.workspaceId} > w.ws order by 1 limit 1) from w where w.ws is not null
      )
      select ws from w where ws is not null
      union
      select distinct ${fieldChanges.workspaceId} from ${fieldChanges}`,
  );
  return found.map((row) => row.ws);
}

/**
 * Reclaim the queues' folded rows. Every queued row is deleted once folded, so the queues are
 * small but churn through as many rows as are ingested; until a vacuum, the dead ones stay in
 * their indexes and every pick and probe steps over them (at 1M users, half a million dead entries
 * made a pick cost 90 ms). PostgreSQL's autovacuum may be busy with the large tables for minutes,
 * and embedded PGlite has none. Outside a transaction; tables another vacuum holds are skipped.
 */
export async function vacuumQueues(q: Queryable): Promise<void> {
  await q.execute(sql`vacuum (skip_locked) ${unfoldedEvents}, ${fieldChanges}`);
}

/**
 * Purge the events (and their rollups) of deleted users or accounts, then re-count the event-name
 * catalog. Events not folded yet leave the fold's queue with them (they are in no rollup yet). Call
 * it holding the attribution lock exclusively, so no fold is in flight.
 */
export async function purgeEvents(q: Queryable, workspaceId: string, by: 'user' | 'account', ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const { e, c, b } = PURGE_ALIASES;
  const x = alias(unfoldedEvents, 'x');
  // Both rollups are `r` in their statements (rm, rp here).
  const { metricDaily: rm, propertyDaily: rp } = ROLLUP_AS_R;
  await q.execute(sql`
    with ids as (select jsonb_array_elements_text(${jsonParam(ids)}) as id),
    gone as (
      delete from ${tableAs(e)} using ids where ${e.workspaceId} = ${workspaceId} and ${by === 'user' ? e.userId : e.accountId} = ids.id
      returning ${e.name}, ${e.dedupKey}
    ), unqueued as (
      delete from ${tableAs(x)} using gone where ${x.workspaceId} = ${workspaceId} and ${x.dedupKey} = gone.dedup_key
      returning ${x.dedupKey}
    ), m as (
      delete from ${tableAs(rm)} using ids where ${rm.workspaceId} = ${workspaceId} and ${by === 'user' ? rm.userId : rm.explicitAccountId} = ids.id
      returning ${rm.name}, ${rm.day}, ${rm.userId}, ${rm.accountId}, ${rm.count}
    ), purged as (
      select m.name, m.day, o.object, o.record_id, m.user_id, -m.count as delta
      from m cross join lateral (values ('ACCOUNT', m.account_id), ('USER', m.user_id)) as o(object, record_id)
    ), ${applyWindowDeltas(workspaceId, sql`purged`)}, ${applyAccountDayDeltas(workspaceId, sql`purged`)}, p as (
      delete from ${tableAs(rp)} using ids where ${rp.workspaceId} = ${workspaceId} and ${by === 'user' ? rp.userId : rp.explicitAccountId} = ids.id
      returning ${rp.property}, ${rp.name}, ${rp.userId}, ${rp.accountId}, ${rp.n}, ${rp.sum}
    ), reach_deltas as (
      select 'COUNT' as kind, object, name as key, record_id, delta, ${NO_VALUE} from purged
      union all
      -- (A purge lowers totals; the bounds a value metric was seen within do not move, as for event names.)
      select 'VALUE', o.object, p.property, o.record_id, -p.n, o.total, null::timestamptz, null::timestamptz
      from p cross join lateral (values ('ACCOUNT', p.account_id, null::numeric), ('USER', p.user_id, null), ('NAME', p.name, -p.sum))
        as o(object, record_id, total)
    ), ${applyReachDeltas(workspaceId, sql`reach_deltas`)}, ${countRollupChanges(workspaceId, sql`m`)}, removed as (
      select name, count(*) as n from gone where dedup_key not in (select dedup_key from unqueued) group by name
    )
    -- A negative delta in this connection's shard: the sum over shards stays exact.
    insert into ${eventNameCounters} as ${c} (${columnList(c.workspaceId, c.name, c.shard, c.eventCount, c.firstAt, c.lastAt)})
    -- (first/last seen are copied from the existing counters, so the view's bounds do not move.)
    select ${workspaceId}, r.name, ${COUNTER_SHARD}, -r.n, ${b.firstAt}, ${b.lastAt}
    from removed r join ${eventNames} ${b} on ${b.workspaceId} = ${workspaceId} and ${b.name} = r.name
    order by r.name
    on conflict (${columnList(c.workspaceId, c.name, c.shard)}) do update set ${accumulate(c.eventCount)}`);
}
