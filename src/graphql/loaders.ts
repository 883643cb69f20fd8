import type { Db } from '../db/client.ts';
import { createInsightsLoaders } from '../insights/loaders.ts';

/** Every DataLoader of a request, from every domain. Created per request: caches never outlive it. */
export function createLoaders(db: Db, workspaceId: string) {
  return {
    ...createInsightsLoaders(db, workspaceId),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
