import { createHash } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { type Context, perRequest } from '../context.ts';
import { jsonParam, type Queryable, rows } from '../db/client.ts';
import { recordVersions, rollupAnswers, rollupVersions } from '../db/schema.ts';
import { alias, columnList, columnName, tableAs, takeProposed } from '../db/sql.ts';
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

/**
 * Answers kept per workspace and consumer (the views' previews, workspace series): storing one more
 * deletes that consumer's least recently used beyond this, so series asked by one client can never
 * push out the views' previews.
 */
export const KEPT_ANSWERS = 200;
/** Who keeps an answer: each consumer has its own bound. */
export type Consumer = 'VIEW' | 'SERIES';
/** A read that finds an answer marks it used, at most this often (a write per answer, not per read). */
const TOUCH_EVERY = sql.raw(`interval '5 seconds'`);
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
  consumer: Consumer;
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
    sql`with found as (
        select r.i, r.key, ${k.value} as value, ${k.version}::text as kept, (
          (select coalesce(sum(${v.version}), 0) from ${v}
           where ${v.workspaceId} = ${workspaceId} and ${v.name} = any(array(select jsonb_array_elements_text(r.names)))
             and ${v.week} >= ${isoWeek(sql`r.first`)} and ${v.week} <= ${isoWeek(sql`r.last`)})
          + (select coalesce(sum(${rv.version}), 0) from ${rv}
             where ${rv.workspaceId} = ${workspaceId} and ${rv.object} = any(array(select jsonb_array_elements_text(r.records))))
        )::bigint::text as current
        from jsonb_to_recordset(${jsonParam(input)}) as r(i int, key text, names jsonb, first date, last date, records jsonb)
        left join ${tableAs(k)} on ${k.workspaceId} = ${workspaceId} and ${k.key} = r.key
      ), used as (
        -- What is found is used: eviction goes by use, not by age.
        update ${a} set ${columnName(a.usedAt)} = now()
        from found where ${a.workspaceId} = ${workspaceId} and ${a.key} = found.key and found.kept = found.current
          and ${a.usedAt} < now() - ${TOUCH_EVERY}
        returning 1
      )
      select i, value, kept, current from found`,
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
  const c = alias(rollupAnswers, 'c');
  await db.execute(sql`
    with items as (
      select * from jsonb_to_recordset(${jsonParam(items)}) as s(key text, consumer text, version text, value jsonb)
    ), stored as (
      insert into ${a} (${columnList(a.workspaceId, a.key, a.consumer, a.version, a.value, a.computedAt, a.usedAt)})
      select ${workspaceId}, s.key, s.consumer, s.version::bigint, s.value, now(), now()
      from items s
      order by s.key
      on conflict (${columnList(a.workspaceId, a.key)}) do update set
        ${takeProposed(a.version)}, ${takeProposed(a.value)},
        ${takeProposed(a.computedAt)}, ${takeProposed(a.usedAt)}
        where ${a.version} < excluded.${columnName(a.version)}
      returning 1
    )
    -- (This statement does not see the rows it stores: room is made for them.)
    delete from ${a} where ${a.workspaceId} = ${workspaceId} and ${a.key} in (
      select ranked.key from (
        select ${c.key} as key, ${c.consumer} as consumer,
          row_number() over (partition by ${c.consumer} order by ${c.usedAt} desc, ${c.key}) as place
        from ${tableAs(c)} where ${c.workspaceId} = ${workspaceId}) as ranked
      where ranked.place > ${KEPT_ANSWERS}::int - (select count(*) from items where items.consumer = ranked.consumer))`);
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

/** One value to keep: its key (see answerKey), what it reads (null: nothing it can be kept by, computed every time) and how to compute it. */
export interface Keepable<T> {
  key: string;
  reads: Reads | null;
  compute: () => Promise<T>;
}

/**
 * The values the items' `compute` return, each kept under its key with what it reads: the kept
 * value when nothing it reads changed since it was stored, else computed and stored (unless larger
 * than `KEPT_ANSWER_CHARS` of JSON). The lookups are one statement, and so are the stores, made
 * once every item is computed (a request's views' previews finish at different times). A value
 * must survive JSON: text, finite numbers, booleans, null, arrays and objects of them. A store that
 * fails does not fail the read: the value is computed again next time.
 */
export async function keptValues<T>(ctx: Context, consumer: Consumer, items: readonly Keepable<T>[]): Promise<T[]> {
  const loaders = answerLoaders(ctx);
  const values = await Promise.all(
    items.map(async ({ key, reads, compute }): Promise<{ value: T; store?: Omit<Store, 'value'> }> => {
      if (!reads) return { value: await compute() };
      const found = await loaders.lookUp.load({ key, reads });
      if (found.kept !== null && found.kept === found.current) return { value: found.value as T };
      // Stored with the sum read before computing: a write committed meanwhile counts a higher one.
      return { value: await compute(), store: { key, consumer, version: found.current } };
    }),
  );
  await Promise.all(
    values.map(({ value, store }) =>
      store && JSON.stringify(value).length <= KEPT_ANSWER_CHARS
        ? loaders.store
            .load({ ...store, value })
            .catch((error: unknown) => ctx.log.warn({ err: error }, 'a computed answer could not be kept; it will be computed again'))
        : undefined,
    ),
  );
  return values.map(({ value }) => value);
}

/** The value `compute` returns, kept under `key` with what it reads (`reads`), like `keptValues`. */
export async function keptValue<T>(ctx: Context, consumer: Consumer, key: string, reads: Reads, compute: () => Promise<T>): Promise<T> {
  const [value] = await keptValues(ctx, consumer, [{ key, reads, compute }]);
  return value as T;
}

/** The rows of `statement` (a read of the rollups within `reads` only), kept like `keptValue`. */
export function keptAnswer<T>(ctx: Context, consumer: Consumer, reads: Reads, statement: SQL): Promise<T[]> {
  const query = dialect.sqlToQuery(statement);
  return keptValue(ctx, consumer, answerKey([query.sql, query.params]), reads, () => rows<T>(ctx.db, statement));
}
