import DataLoader from 'dataloader';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { type AccountRow, accounts, type UserRow, users } from '../db/schema.ts';

/** Batched lookups of accounts and users by ID, scoped to one workspace. */
export function createInsightsLoaders(db: Db, workspaceId: string) {
  return {
    accountById: new DataLoader<string, AccountRow | null>(async (ids) => {
      const found = await db
        .select()
        .from(accounts)
        .where(and(eq(accounts.workspaceId, workspaceId), inArray(accounts.id, [...ids])));
      const byId = new Map(found.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    userById: new DataLoader<string, UserRow | null>(async (ids) => {
      const found = await db
        .select()
        .from(users)
        .where(and(eq(users.workspaceId, workspaceId), inArray(users.id, [...ids])));
      const byId = new Map(found.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
