import type { Db } from '../db/client.ts';
import { createInsightsLoaders } from '../insights/loaders.ts';
import { createMeasureLoaders } from '../insights/measures.ts';

/** Every DataLoader of a request, from every domain. Created per request: caches never outlive it. */
export function createLoaders(db: Db, workspaceId: string) {
  const insights = createInsightsLoaders(db, workspaceId);
  return {
    ...insights,
    ...createMeasureLoaders(db, workspaceId, insights.dimensions),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
