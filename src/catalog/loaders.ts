import DataLoader from 'dataloader';
import { type Context, perRequest } from '../context.ts';
import type { Db } from '../db/client.ts';
import { groupedLoader, keyedLoader, keyOf, loaderPerKind } from '../loaders.ts';
import type { ObjectKind } from '../vocabulary.ts';
import { loadMetricMeanings, loadSemantics, type MetricMeaning, type Semantics } from './meaning.ts';
import type { DimensionModel, DimensionStats, MetricModel, ValueCountModel } from './models.ts';
import * as catalog from './queries.ts';

/** A catalog metric: an event's count or an event property's values. */
export interface MetricKey {
  kind: 'COUNT' | 'VALUE';
  name: string;
}

export interface TopValuesGroup {
  object: ObjectKind;
  limit: number;
}

const metricKey = (m: MetricKey) => keyOf(m.kind, m.name);

/** Batched, per-request reads of the catalog of the request's workspace. */
export const catalogLoaders = perRequest(({ db, workspaceId }: Context) => {
  /** The catalog of an object (defaults first, with their effective meaning), read once per request. */
  const dimensions = keyedLoader<ObjectKind, DimensionModel[]>(
    (object) => object,
    (objects) => Promise.all(objects.map((object) => catalog.loadDimensions(db, workspaceId, object))),
  );
  /** The workspace's metric meanings (one key, ''), read once per request. */
  const metricMeanings = new DataLoader<string, MetricMeaning[]>(async (keys) => {
    const found = await loadMetricMeanings(db, workspaceId);
    return keys.map(() => found);
  });
  /** What each meaning is provided by in this workspace (one key, ''), read once per request. */
  const semantics = new DataLoader<string, Semantics>(async (keys) => {
    const [accounts, users, metrics] = await Promise.all([dimensions.load('ACCOUNT'), dimensions.load('USER'), metricMeanings.load('')]);
    const found = await loadSemantics(db, workspaceId, { ACCOUNT: accounts, USER: users }, metrics);
    return keys.map(() => found);
  });
  return { dimensions, metricMeanings, semantics, ...statisticsLoaders(db, workspaceId) };
});

/** Per-key statistics and metric lookups, batched per request. */
function statisticsLoaders(db: Db, workspaceId: string) {
  return {
    dimensionStats: loaderPerKind<ObjectKind, DimensionStats | null>(
      (object, keys) => catalog.dimensionStats(db, workspaceId, object, keys),
      null,
    ),
    topValues: groupedLoader<TopValuesGroup, ValueCountModel[]>({
      groupKey: (g) => keyOf(g.object, g.limit),
      load: (g, keys) => catalog.topValues(db, workspaceId, g.object, keys, g.limit),
      missing: [],
    }),
    metricByRef: keyedLoader<MetricKey, MetricModel | null>(metricKey, async (refs) => {
      const found = await catalog.metricCatalog(db, workspaceId, {
        events: refs.filter((ref) => ref.kind === 'COUNT').map((ref) => ref.name),
        properties: refs.filter((ref) => ref.kind === 'VALUE').map((ref) => ref.name),
      });
      const byRef = new Map(found.map((m) => [metricKey(m), m]));
      return refs.map((ref) => byRef.get(metricKey(ref)) ?? null);
    }),
  };
}
