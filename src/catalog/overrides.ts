import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { meaningOverrides } from '../db/schema.ts';
import { columnList, takeProposed } from '../db/sql.ts';
import type { ObjectKind } from '../vocabulary.ts';

/**
 * A workspace's corrections of inferred meanings, kept apart from the catalog (which ingestion
 * rewrites): a dimension's semantic (target = its object) or a metric's role (target = COUNT or
 * VALUE). `meaning: null` records "no meaning"; no row means inference applies.
 */
export type OverrideTarget = ObjectKind | 'COUNT' | 'VALUE';

/** An override, or undefined when there is none. */
export interface Override {
  meaning: string | null;
}

/** Set (insert or replace) one override. */
export async function setOverride(
  q: Queryable,
  workspaceId: string,
  target: OverrideTarget,
  key: string,
  meaning: string | null,
): Promise<void> {
  await q.execute(sql`
    insert into ${meaningOverrides} (${columnList(meaningOverrides.workspaceId, meaningOverrides.target, meaningOverrides.key, meaningOverrides.meaning, meaningOverrides.updatedAt)})
    values (${workspaceId}, ${target}, ${key}, ${meaning}, now())
    on conflict (${columnList(meaningOverrides.workspaceId, meaningOverrides.target, meaningOverrides.key)}) do update set
      ${takeProposed(meaningOverrides.meaning)},
      ${takeProposed(meaningOverrides.updatedAt)}`);
}

/** Remove one override; true when there was one. */
export async function clearOverride(q: Queryable, workspaceId: string, target: OverrideTarget, key: string): Promise<boolean> {
  const removed = await q
    .delete(meaningOverrides)
    .where(and(eq(meaningOverrides.workspaceId, workspaceId), eq(meaningOverrides.target, target), eq(meaningOverrides.key, key)))
    .returning({ key: meaningOverrides.key });
  return removed.length > 0;
}

/** Overrides of one target as a map key → override (one statement). */
export async function loadOverrides(q: Queryable, workspaceId: string, target: OverrideTarget): Promise<Map<string, Override>> {
  const found = await q
    .select({ key: meaningOverrides.key, meaning: meaningOverrides.meaning })
    .from(meaningOverrides)
    .where(and(eq(meaningOverrides.workspaceId, workspaceId), eq(meaningOverrides.target, target)));
  return new Map(found.map((r) => [r.key, { meaning: r.meaning }]));
}
