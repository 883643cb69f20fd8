import { type Context, perRequest } from '../context.ts';
import type { CatalogFieldRow } from '../db/schema.ts';
import { groupedLoader, keyedLoader, keyOf } from '../loaders.ts';
import type { ObjectKind } from './inference.ts';
import type { DimensionStats, MetricModel, ValueCountModel } from './models.ts';
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
export const catalogLoaders = perRequest(({ db, workspaceId }: Context) => ({
  /** The catalog of an object (defaults first), read once per request. */
  dimensions: keyedLoader<ObjectKind, CatalogFieldRow[]>(
    (object) => object,
    (objects) => Promise.all(objects.map((object) => catalog.loadDimensions(db, workspaceId, object))),
  ),
  dimensionStats: groupedLoader<ObjectKind, DimensionStats | null>({
    groupKey: (object) => object,
    load: (object, keys) => catalog.dimensionStats(db, workspaceId, object, keys),
    missing: null,
  }),
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
}));
