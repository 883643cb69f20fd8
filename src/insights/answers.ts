import { createHash } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { anyOf, type Queryable, rows } from '../db/client.ts';
import { rollupAnswers, rollupVersions } from '../db/schema.ts';
import { columnList, columnName } from '../db/sql.ts';
import type { DayRange } from './time.ts';

// Kept answers: what a read groups from the rollups over a range of days (distinct users per week,
// distinct accounts per feature over 30 days) is stored with the change counters of the (event
// name, ISO week) pairs it read (`rollup_versions`, counted by every write that changes the
// rollups: src/ingest/queries.ts, `countRollupChanges`). The next read of the same statement
// compares the stored sum with the current one, in one statement: equal means nothing it read has
// changed since, and the stored rows are the answer; else it groups again, and stores the new rows
// with the sum read in the same snapshot. So answers stay exact (read-your-writes included), and a
// read costs the grouping only when what it reads has changed. Tables: src/db/schema.ts.

const dialect = new PgDialect();
const v = rollupVersions;
const a = rollupAnswers;

/** Answers kept per workspace: storing one more deletes the least recently computed beyond this. */
export const KEPT_ANSWERS = 200;

/** What a statement reads from the rollups: the events named `names`, on the UTC days `days`. */
export interface RollupReads {
  names: readonly string[];
  days: DayRange;
}

/** The ISO week (its Monday) of a UTC day, as `rollup_versions.week` holds it. */
export const isoWeek = (day: SQL) => sql`date_trunc('week', (${day})::timestamp)::date`;

/** The sum of the change counters of what `reads` covers (0 before any change). */
function versionOf(workspaceId: string, reads: RollupReads): SQL {
  return sql`(select coalesce(sum(${v.version}), 0)::bigint from ${v}
    where ${v.workspaceId} = ${workspaceId} and ${anyOf(v.name, reads.names)}
      and ${v.week} >= ${isoWeek(sql`${reads.days.firstDay}::date`)} and ${v.week} <= ${isoWeek(sql`${reads.days.lastDay}::date`)})`;
}

/** A statement's identity: its text and parameters (any change of either is another answer). */
function answerKey(statement: SQL): string {
  const query = dialect.sqlToQuery(statement);
  return createHash('sha256')
    .update(JSON.stringify([query.sql, query.params]))
    .digest('base64url');
}

/**
 * The rows of `statement` (a read of the rollups within `reads` only), from the kept answer when
 * nothing it reads changed since it was stored: one statement then, two when it is grouped again.
 * Rows go through jsonb: columns must be text, numbers (finite) or booleans.
 */
export async function keptAnswer<T>(q: Queryable, workspaceId: string, reads: RollupReads, statement: SQL): Promise<T[]> {
  const key = answerKey(statement);
  const [kept] = await rows<{ value: T[]; fresh: boolean }>(
    q,
    sql`select ${a.value} as value, ${a.version} = ${versionOf(workspaceId, reads)} as fresh
        from ${a} where ${a.workspaceId} = ${workspaceId} and ${a.key} = ${key}`,
  );
  if (kept?.fresh) return kept.value;
  // The version and the rows in one snapshot: a change committed after it counts a higher version.
  const [computed] = await rows<{ value: T[] }>(
    q,
    sql`with answer as (${statement}),
    computed as (
      select ${versionOf(workspaceId, reads)} as version,
        coalesce((select jsonb_agg(to_jsonb(answer)) from answer), '[]'::jsonb) as value
    ), stored as (
      insert into ${a} (${columnList(a.workspaceId, a.key, a.version, a.value, a.computedAt)})
      select ${workspaceId}, ${key}, version, value, now() from computed
      on conflict (${columnList(a.workspaceId, a.key)}) do update set
        ${columnName(a.version)} = excluded.${columnName(a.version)}, ${columnName(a.value)} = excluded.${columnName(a.value)},
        ${columnName(a.computedAt)} = excluded.${columnName(a.computedAt)}
        where ${a.version} < excluded.${columnName(a.version)}
      returning 1
    ), pruned as (
      delete from ${a} where ${a.workspaceId} = ${workspaceId} and ${a.key} in (
        select ${a.key} from ${a} where ${a.workspaceId} = ${workspaceId} order by ${a.computedAt} desc, ${a.key} offset ${KEPT_ANSWERS - 1}::int)
      returning 1
    )
    select value from computed`,
  );
  return (computed?.value ?? []) as T[];
}
