import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { type ApiKeyRow, apiKeys, type WorkspaceRow, workspaces } from '../db/schema.ts';

export async function findKeyByHash(q: Queryable, keyHash: string): Promise<{ key: ApiKeyRow; workspace: WorkspaceRow } | undefined> {
  const [row] = await q
    .select({ key: apiKeys, workspace: workspaces })
    .from(apiKeys)
    .innerJoin(workspaces, eq(workspaces.id, apiKeys.workspaceId))
    .where(eq(apiKeys.keyHash, keyHash))
    .limit(1);
  return row;
}

export async function insertWorkspace(q: Queryable, values: { id: string; name: string }): Promise<WorkspaceRow> {
  const [row] = await q.insert(workspaces).values(values).returning();
  return row!;
}

export async function countWorkspaces(q: Queryable): Promise<number> {
  const [row] = await q.select({ n: sql<number>`count(*)::int` }).from(workspaces);
  return row?.n ?? 0;
}

export async function listWorkspaces(q: Queryable): Promise<WorkspaceRow[]> {
  return q.select().from(workspaces).orderBy(asc(workspaces.createdAt));
}

export async function insertKey(q: Queryable, values: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
  const [row] = await q.insert(apiKeys).values(values).returning();
  return row!;
}

export async function listKeys(q: Queryable, workspaceId: string): Promise<ApiKeyRow[]> {
  return q.select().from(apiKeys).where(eq(apiKeys.workspaceId, workspaceId)).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}

export async function findKey(q: Queryable, workspaceId: string, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await q
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id)));
  return row;
}

export async function updateKey(
  q: Queryable,
  workspaceId: string,
  id: string,
  values: Partial<Pick<ApiKeyRow, 'keyHash' | 'prefix' | 'revokedAt'>>,
): Promise<ApiKeyRow | undefined> {
  const [row] = await q
    .update(apiKeys)
    .set(values)
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id)))
    .returning();
  return row;
}

/** Conditional write so that several instances still write at most about once a minute. */
export async function touchKey(q: Queryable, workspaceId: string, id: string, column: 'lastUsedAt' | 'lastIngestAt'): Promise<void> {
  const target = apiKeys[column];
  await q
    .update(apiKeys)
    .set({ [column]: sql`now()` })
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id), or(isNull(target), lt(target, sql`now() - interval '1 minute'`))));
}
