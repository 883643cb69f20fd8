import { sql } from 'drizzle-orm';
import { jsonParam, type Queryable, rows } from '../db/client.ts';
import { type Dimensions, events as eventsTable, recordVersions, unfoldedEvents } from '../db/schema.ts';
import { anyOf, columnList, columnName, RECORD_TABLES, recordAliases, tableAs } from '../db/sql.ts';
import { COUNTER_SHARD } from '../rollups/statements.ts';
import type { RecordKind } from '../vocabulary.ts';
import type { EventRecord } from './records.ts';
import type { Scalar } from './values.ts';

/**
 * All SQL of ingestion: the records and the events as they arrive. What is derived from events is
 * written by the fold (src/rollups). Each function is one statement whatever the batch size: the
 * batch travels as a single jsonb parameter (constant statement text, so one prepared statement
 * serves every batch size) and rows are processed in key order so concurrent batches lock rows in
 * the same order and cannot deadlock.
 */

/** Accounts or users as `t`. */
const RECORD_ALIASES = recordAliases('t');

/** Lock and read the existing rows among `ids` (sorted, so concurrent calls lock in one order). */
export async function lockExisting(
  q: Queryable,
  object: RecordKind,
  workspaceId: string,
  ids: readonly string[],
): Promise<Map<string, Dimensions>> {
  if (ids.length === 0) return new Map();
  const t = RECORD_ALIASES[object];
  const found = await rows<{ id: string; dims: Dimensions }>(
    q,
    sql`select ${t.id}, ${t.dims} from ${tableAs(t)}
        where ${t.workspaceId} = ${workspaceId} and ${anyOf(t.id, ids)}
        order by ${t.id} for update`,
  );
  return new Map(found.map((row) => [row.id, row.dims]));
}

/** Which of `ids` exist (no lock: used only to describe rejected records). */
export async function findExisting(q: Queryable, object: RecordKind, workspaceId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const t = RECORD_ALIASES[object];
  const found = await rows<{ id: string }>(
    q,
    sql`select ${t.id} from ${tableAs(t)} where ${t.workspaceId} = ${workspaceId} and ${anyOf(t.id, ids)}`,
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
  const t = RECORD_ALIASES[object];
  await q.execute(sql`
    update ${RECORD_TABLES[object]} as ${t}
    set ${columnName(t.dims)} = jsonb_strip_nulls(${t.dims} || r.patch), ${columnName(t.updatedAt)} = now()
    from (select * from jsonb_to_recordset(${jsonParam(patches)}) as x(id text, patch jsonb) order by x.id) as r
    where ${t.workspaceId} = ${workspaceId} and ${t.id} = r.id
      and ${t.dims} is distinct from jsonb_strip_nulls(${t.dims} || r.patch)`);
}

/**
 * Insert new rows; returns the IDs that this statement inserted. An ID another call created between
 * our read and this insert is left alone here: the caller locks it and merges into it (so the
 * statistics see the fields it had before).
 */
export async function insertNew(q: Queryable, object: RecordKind, workspaceId: string, patches: readonly Patch[]): Promise<Set<string>> {
  if (patches.length === 0) return new Set();
  const t = RECORD_ALIASES[object];
  const inserted = await rows<{ id: string }>(
    q,
    sql`
      insert into ${RECORD_TABLES[object]} as ${t} (${columnList(t.workspaceId, t.id, t.dims)})
      select ${workspaceId}, r.id, jsonb_strip_nulls(r.patch)
      from jsonb_to_recordset(${jsonParam(patches)}) as r(id text, patch jsonb)
      order by r.id
      on conflict (${columnList(t.workspaceId, t.id)}) do nothing
      returning ${t.id}`,
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
  const t = RECORD_ALIASES[object];
  const deleted = await rows<{ id: string; dims: Dimensions }>(
    q,
    sql`delete from ${tableAs(t)}
        where ${t.workspaceId} = ${workspaceId} and ${anyOf(t.id, ids)}
        returning ${t.id}, ${t.dims}`,
  );
  return new Map(deleted.map((row) => [row.id, row.dims]));
}

/**
 * Count one change of the records of `object` in this connection's shard of `record_versions`, so
 * that answers kept from them (the views' account lists) are computed again on their next read
 * (src/insights/answers.ts). In the call's write transaction, when it created, changed or deleted any.
 */
export async function countRecordChanges(q: Queryable, object: RecordKind, workspaceId: string): Promise<void> {
  const v = recordVersions;
  await q.execute(sql`
    insert into ${v} (${columnList(v.workspaceId, v.object, v.shard, v.version)}) values (${workspaceId}, ${object}, ${COUNTER_SHARD}, 1)
    on conflict (${columnList(v.workspaceId, v.object, v.shard)}) do update set ${columnName(v.version)} = ${v.version} + 1`);
}

/** What storing a batch of events returns: the keys it stored, and how long the workspace's fold queue was. */
export interface Appended {
  inserted: Set<string>;
  /** Events of the workspace waiting for the fold before this statement, counted up to `countUpTo`. */
  unfolded: number;
}

/**
 * Store events exactly once, and queue the newly stored ones (only those) for the fold
 * (`unfolded_events`), in one statement. Nothing derived is written here: the fold applies them.
 * Also counts the workspace's unfolded events (up to `countUpTo`, so the count costs at most that
 * many index entries), which is what backpressure reads.
 */
export async function appendEvents(
  q: Queryable,
  workspaceId: string,
  events: readonly EventRecord[],
  countUpTo: number,
): Promise<Appended> {
  const batch = events.map((e) => ({
    k: e.dedupKey,
    eid: e.eventId,
    name: e.name,
    ts: e.timestamp.toISOString(),
    uid: e.userId,
    aid: e.accountId,
    props: e.properties,
  }));
  const q0 = unfoldedEvents;
  const [result] = await rows<{ inserted: string[] | null; unfolded: number }>(
    q,
    sql`
    with input as (
      select * from jsonb_to_recordset(${jsonParam(batch)})
        as r(k text, eid text, name text, ts timestamptz, uid text, aid text, props jsonb)
    ), ins as (
      insert into ${eventsTable} (${columnList(
        eventsTable.workspaceId,
        eventsTable.dedupKey,
        eventsTable.eventId,
        eventsTable.name,
        eventsTable.occurredAt,
        eventsTable.userId,
        eventsTable.accountId,
        eventsTable.properties,
      )})
      select ${workspaceId}, k, eid, name, ts, uid, aid, props from input order by k
      on conflict (${columnList(eventsTable.workspaceId, eventsTable.dedupKey)}) do nothing
      returning ${eventsTable.dedupKey}
    ), queued as (
      insert into ${q0} (${columnList(q0.workspaceId, q0.dedupKey)})
      select ${workspaceId}, dedup_key from ins order by dedup_key
      returning 1
    )
    select (select array_agg(dedup_key) from ins) as inserted,
      (select count(*)::int from (select 1 from ${q0} where ${q0.workspaceId} = ${workspaceId} limit ${countUpTo}::int) as t) as unfolded`,
  );
  return { inserted: new Set(result?.inserted ?? []), unfolded: result?.unfolded ?? 0 };
}
