import { sql } from 'drizzle-orm';
import { jsonParam, type Queryable, rows } from '../db/client.ts';
import { type IngestIssueRow, type IngestIssueSample, ingestIssues } from '../db/schema.ts';
import { accumulate, alias, columnList, columnName, tableAs, takeProposed } from '../db/sql.ts';
import { toStorableText } from '../text.ts';
import type { ObjectKind } from '../vocabulary.ts';
import type { RecordResult } from './records.ts';

/**
 * The rejection log: every record that ingestion refused, whatever the path (REST, JSON-RPC or
 * GraphQL all end in src/ingest/service.ts), counted per object, field and code with when it was
 * first and last seen and a few recent samples, so an operator can see what was refused even when
 * the sender (Hightouch) shows nothing. Two statements per ingest call that refused anything,
 * whatever the batch size; bounded per workspace (`MAX_INGEST_ISSUES` rows, the least recently
 * seen dropped first; a few samples per row, messages and IDs cut short).
 */

/** Samples kept per (object, field, code). */
export const SAMPLES_PER_ISSUE = 5;
const MAX_FIELD_LENGTH = 200;
const MAX_MESSAGE_LENGTH = 300;
const MAX_RECORD_ID_LENGTH = 256;

interface IssueDelta {
  field: string;
  code: string;
  count: number;
  samples: IngestIssueSample[];
}

/** The log as the write statements name it: `i` in the upsert, `d` in the trim. */
const i = alias(ingestIssues, 'i');
const d = alias(ingestIssues, 'd');

/** Cut short, then made storable (input echoed back may hold NUL or a surrogate half, or be split inside a pair). */
const cut = (text: string, max: number) => toStorableText(text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The refusals of one call, per (field, code): how many records, and the first few of them.
 * `REJECTED` results count with each of their errors (a record with the same problem twice counts
 * once); `NOT_FOUND` counts when `notFoundIsRejection` (update-only upserts never create).
 */
export function collectIssues(results: readonly RecordResult[], notFoundIsRejection: boolean, at: Date): IssueDelta[] {
  const byKey = new Map<string, IssueDelta>();
  const seenAt = at.toISOString();
  for (const result of results) {
    const problems =
      result.status === 'REJECTED'
        ? result.errors
        : notFoundIsRejection && result.status === 'NOT_FOUND'
          ? [{ field: 'id', code: 'NOT_FOUND', message: 'No record with this ID exists; update-only upserts never create records.' }]
          : [];
    const counted = new Set<string>();
    for (const problem of problems) {
      const field = cut(problem.field ?? '', MAX_FIELD_LENGTH);
      const key = JSON.stringify([field, problem.code]);
      if (counted.has(key)) continue;
      counted.add(key);
      const delta = byKey.get(key) ?? { field, code: problem.code, count: 0, samples: [] };
      delta.count += 1;
      if (delta.samples.length < SAMPLES_PER_ISSUE) {
        delta.samples.push({
          recordId: result.id === null ? null : cut(result.id, MAX_RECORD_ID_LENGTH),
          message: cut(problem.message, MAX_MESSAGE_LENGTH),
          at: seenAt,
        });
      }
      byKey.set(key, delta);
    }
  }
  // One order for every writer, so concurrent calls lock the shared rows in the same order.
  return [...byKey.values()].sort((a, b) => (a.field === b.field ? (a.code < b.code ? -1 : 1) : a.field < b.field ? -1 : 1));
}

/** Add one call's refusals to the log (one statement), then drop the rows past the workspace's bound (one statement). */
export async function writeIssues(
  q: Queryable,
  workspaceId: string,
  object: ObjectKind,
  issues: readonly IssueDelta[],
  maxIssues: number,
): Promise<void> {
  if (issues.length === 0) return;
  // (`d` of the upsert is the batch's record set, not the table.)
  await q.execute(sql`
    insert into ${ingestIssues} as ${i} (${columnList(i.workspaceId, i.object, i.field, i.code, i.count, i.firstSeenAt, i.lastSeenAt, i.samples)})
    select ${workspaceId}, ${object}, d.field, d.code, d.count, now(), now(), d.samples
    from jsonb_to_recordset(${jsonParam(issues)}) as d(field text, code text, count bigint, samples jsonb)
    order by d.field, d.code
    on conflict (${columnList(i.workspaceId, i.object, i.field, i.code)}) do update set
      ${accumulate(i.count)},
      ${takeProposed(i.lastSeenAt)},
      ${columnName(i.samples)} = (
        select coalesce(jsonb_agg(s.value order by s.n), '[]'::jsonb)
        from jsonb_array_elements(excluded.${columnName(i.samples)} || ${i.samples}) with ordinality as s(value, n)
        where s.n <= ${SAMPLES_PER_ISSUE}
      )`);
  await q.execute(sql`
    delete from ${tableAs(d)}
    using (
      select ${ingestIssues.object}, ${ingestIssues.field}, ${ingestIssues.code} from ${ingestIssues}
      where ${ingestIssues.workspaceId} = ${workspaceId}
      order by ${ingestIssues.lastSeenAt} desc, ${ingestIssues.object}, ${ingestIssues.field}, ${ingestIssues.code}
      offset ${maxIssues}
    ) old
    where ${d.workspaceId} = ${workspaceId} and ${d.object} = old.object and ${d.field} = old.field and ${d.code} = old.code`);
}

export interface IssueFilter {
  object?: ObjectKind | null | undefined;
  field?: string | null | undefined;
  code?: string | null | undefined;
  first: number;
}

/** The workspace's log, most recently seen first. */
export async function listIssues(q: Queryable, workspaceId: string, filter: IssueFilter): Promise<IngestIssueRow[]> {
  const found = await rows<{
    object: IngestIssueRow['object'];
    field: string;
    code: string;
    count: string | number;
    first_seen_at: string | Date;
    last_seen_at: string | Date;
    samples: IngestIssueSample[];
  }>(
    q,
    sql`select ${ingestIssues.object}, ${ingestIssues.field}, ${ingestIssues.code}, ${ingestIssues.count},
          ${ingestIssues.firstSeenAt}, ${ingestIssues.lastSeenAt}, ${ingestIssues.samples}
        from ${ingestIssues}
        where ${ingestIssues.workspaceId} = ${workspaceId}
          and (${filter.object ?? null}::text is null or ${ingestIssues.object} = ${filter.object ?? null})
          and (${filter.field ?? null}::text is null or ${ingestIssues.field} = ${filter.field ?? null})
          and (${filter.code ?? null}::text is null or ${ingestIssues.code} = ${filter.code ?? null})
        order by ${ingestIssues.lastSeenAt} desc, ${ingestIssues.object}, ${ingestIssues.field}, ${ingestIssues.code}
        limit ${filter.first}`,
  );
  return found.map((row) => ({
    workspaceId,
    object: row.object,
    field: row.field,
    code: row.code,
    count: Number(row.count),
    firstSeenAt: new Date(row.first_seen_at),
    lastSeenAt: new Date(row.last_seen_at),
    samples: row.samples,
  }));
}
