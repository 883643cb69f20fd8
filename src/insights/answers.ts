import { createHash } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { type Context, perRequest } from '../context.ts';
import { jsonParam, type Queryable, rows } from '../db/client.ts';
import { recordVersions, rollupAnswers, rollupVersions } from '../db/schema.ts';
import { alias, columnList, columnName, tableAs } from '../db/sql.ts';
import { keyedLoader } from '../loaders.ts';
import { isoWeek } from '../rollups/statements.ts';
import type { RecordKind } from '../vocabulary.ts';
import type { DayRange } from './time.ts';

// Kept answers: what a read computes by grouping many rows (distinct users per week, distinct
// accounts per feature over 30 days, the views' account lists) is stored with the sum of the change
// counters of what it read: (event name, ISO week) pairs of the rollups (`rollup_versions`, counted
// by every write that changes the rollups: src/rollups/statements.ts, `countRollupChanges`) and, when
// it reads records, the accounts' or users' counter (`record_versions`, counted by every ingestion
// call that changes records). The next read of the same thing compares the stored sum with the
// current one in one statement: equal means nothing it read has changed since, and the stored
// value is the answer; else it computes again. Counters only grow and the sum is read before the
// computation starts, so a kept value is never older than its sum: answers stay exact
// (read-your-writes included), and a read costs the computation only when what it reads changed.
// Tables: src/db/schema.ts.

const dialect = new PgDialect();
const v = rollupVersions;
const rv = recordVersions;
const a = rollupAnswers;
/** The kept answer a read looks up. */
const k = alias(rollupAnswers, 'k');

/** Answers kept per workspace: storing one more deletes the least recently computed beyond this. */
export const KEPT_ANSWERS = 200;
/** Larger answers (long daily series) are computed each time: at most this much JSON is kept per answer. */
export const KEPT_ANSWER_CHARS = 16_384;

/** What an answer reads: the rollups of the events named `names` on the UTC days `days`, and/or the records of `records`. */
export interface Reads {
  rollups?: { names: readonly string[]; days: DayRange };
  records?: readonly RecordKind[];
}

/** What a read looks up: the kept value of `key` and the current sum of the counters of `reads`. */
interface Lookup {
  key: string;
  reads: Reads;
}

interface Found {
  value: unknown;
  /** The sum the kept value was stored with (null: none kept). */
  kept: string | null;
  current: string;
}

interface Store {
  key: string;
  version: string;
  value: unknown;
}

/**
 * Every kept value a request looks up, in one statement per batch: the views' previews and a
 * request's series ask together. Sums are compared as text (bigint).
 */
async function lookUp(db: Queryable, workspaceId: string, lookups: readonly Lookup[]): Promise<Found[]> {
  const input = lookups.map((l, i) => ({
    i,
    key: l.key,
    names: l.reads.rollups?.names ?? [],
    first: l.reads.rollups?.days.firstDay ?? null,
    last: l.reads.rollups?.days.lastDay ?? null,
    records: l.reads.records ?? [],
  }));
  const found = await rows<Found & { i: number }>(
    db,
    sql`select r.i, ${k.value} as value, ${k.version}::text as kept, (
          (select coalesce(sum(${v.version}), 0) from ${v}
           where ${v.workspaceId} = ${workspaceId} and ${v.name} = any(array(select jsonb_array_elements_text(r.names)))
             and ${v.week} >= ${isoWeek(sql`r.first`)} and ${v.week} <= ${isoWeek(sql`r.last`)})
          + (select coalesce(sum(${rv.version}), 0) from ${rv}
             where ${rv.workspaceId} = ${workspaceId} and ${rv.object} = any(array(select jsonb_array_elements_text(r.records))))
        )::bigint::text as current
        from jsonb_to_recordset(${jsonParam(input)}) as r(i int, key text, names jsonb, first date, last date, records jsonb)
        left join ${tableAs(k)} on ${k.workspaceId} = ${workspaceId} and ${k.key} = r.key`,
  );
  const byIndex = new Map(found.map((f) => [f.i, f]));
  return lookups.map((_l, i) => byIndex.get(i) ?? { value: null, kept: null, current: '0' });
}

/**
 * Store computed values (one statement per batch), each with the sum read before it was computed,
 * unless a value computed at a higher sum is already kept; then delete the workspace's least
 * recently computed values beyond `KEPT_ANSWERS`.
 */
async function store(db: Queryable, workspaceId: string, items: readonly Store[]): Promise<true[]> {
  await db.execute(sql`
    with stored as (
      insert into ${a} (${columnList(a.workspaceId, a.key, a.version, a.value, a.computedAt)})
      select ${workspaceId}, s.key, s.version::bigint, s.value, now()
      from jsonb_to_recordset(${jsonParam(items)}) as s(key text, version text, value jsonb)
      order by s.key
      on conflict (${columnList(a.workspaceId, a.key)}) do update set
        ${columnName(a.version)} = excluded.${columnName(a.version)}, ${columnName(a.value)} = excluded.${columnName(a.value)},
        ${columnName(a.computedAt)} = excluded.${columnName(a.computedAt)}
        where ${a.version} < excluded.${columnName(a.version)}
      returning 1
    )
    delete from ${a} where ${a.workspaceId} = ${workspaceId} and ${a.key} in (
      select ${a.key} from ${a} where ${a.workspaceId} = ${workspaceId} order by ${a.computedAt} desc, ${a.key} offset ${Math.max(0, KEPT_ANSWERS - items.length)}::int)`);
  return items.map(() => true);
}

const answerLoaders = perRequest(({ db, workspaceId }: Context) => ({
  lookUp: keyedLoader<Lookup, Found>(
    (l) => l.key,
    (lookups) => lookUp(db, workspaceId, lookups),
  ),
  store: keyedLoader<Store, true>(
    (s) => s.key,
    (items) => store(db, workspaceId, items),
  ),
}));

/** A key of at most 43 characters for any identity (a statement, or a view and its inputs). */
export function answerKey(identity: unknown): string {
  return createHash('sha256').update(JSON.stringify(identity)).digest('base64url');
}

/**
 * The value `compute` returns, kept under `key` (see answerKey) with what it reads (`reads`): the
 * kept value when nothing it reads changed since it was stored, else computed and stored (unless
 * larger than `KEPT_ANSWER_CHARS` of JSON). Lookups and stores of one request are batched (one
 * statement each). The value must survive JSON: text, finite numbers, booleans, null, arrays and
 * objects of them. A store that fails does not fail the read: the value is computed again next time.
 */
export async function keptValue<T>(ctx: Context, key: string, reads: Reads, compute: () => Promise<T>): Promise<T> {
  const loaders = answerLoaders(ctx);
  const found = await loaders.lookUp.load({ key, reads });
  if (found.kept !== null && found.kept === found.current) return found.value as T;
  const value = await compute();
  // Stored with the sum read before computing: a write committed meanwhile counts a higher one.
  if (JSON.stringify(value).length <= KEPT_ANSWER_CHARS) {
    await loaders.store
      .load({ key, version: found.current, value })
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'a computed answer could not be kept; it will be computed again'));
  }
  return value;
}

/** The rows of `statement` (a read of the rollups within `reads` only), kept like `keptValue`. */
export function keptAnswer<T>(ctx: Context, reads: Reads, statement: SQL): Promise<T[]> {
  const query = dialect.sqlToQuery(statement);
  return keptValue(ctx, answerKey([query.sql, query.params]), reads, () => rows<T>(ctx.db, statement));
}
