import type { FieldType as FieldTypeEnum, Resolvers, SemanticType } from '../__generated__/types.ts';
import type { Context } from '../context.ts';
import { catalogLoaders } from './loaders.ts';
import { dimensionMeaning } from './meaning-resolvers.ts';
import type { DimensionModel } from './models.ts';
import * as catalog from './queries.ts';
import { fieldType } from './queries.ts';
import { boundedInt, breakdown } from './service.ts';

const statsOf = (d: DimensionModel, ctx: Context) => catalogLoaders(ctx).dimensionStats.load({ group: d.object, id: d.key });

export const catalogResolvers: Resolvers = {
  Query: {
    dimensions: (_parent, { object }, ctx) => {
      return catalogLoaders(ctx).dimensions.load(object);
    },
    dimensionBreakdown: (_parent, args, ctx) => {
      return breakdown(ctx, args);
    },
    metrics: async (_parent, { kind }, ctx) => {
      const [all, properties] = await Promise.all([
        catalog.metricCatalog(ctx.db, ctx.workspaceId),
        catalogLoaders(ctx).dimensions.load('EVENT'),
      ]);
      const labels = new Map(properties.map((p) => [p.key, p.label]));
      return all
        .filter((m) => !kind || m.kind === kind)
        .map((m) => (m.kind === 'VALUE' ? { ...m, label: labels.get(m.name) ?? m.label } : m));
    },
  },
  Metric: {
    id: (m) => `${m.kind}:${m.name}`,
  },
  Dimension: {
    id: (d) => `${d.object}:${d.key}`,
    object: (d) => d.object,
    type: (d) => (fieldType(d) ?? 'STRING') as FieldTypeEnum,
    declaredType: (d) => d.declaredType as FieldTypeEnum | null,
    semantic: async (d, _args, ctx) => (await dimensionMeaning(d, ctx)).semantic as SemanticType | null,
    coverage: async (d, _args, ctx) => {
      const stats = await statsOf(d, ctx);
      return stats && stats.total > 0 ? stats.valueCount / stats.total : 0;
    },
    valueCount: async (d, _args, ctx) => (await statsOf(d, ctx))?.valueCount ?? 0,
    distinctCount: async (d, _args, ctx) => (await statsOf(d, ctx))?.distinctCount ?? 0,
    distinctCountExact: async (d, _args, ctx) => (await statsOf(d, ctx))?.distinctCountExact ?? true,
    distinctCountRelativeError: async (d, _args, ctx) => (await statsOf(d, ctx))?.distinctCountRelativeError ?? null,
    topValues: async (d, { limit }, ctx) => {
      if (fieldType(d) === 'NUMBER') return [];
      const n = boundedInt(limit, 10, 'limit');
      return catalogLoaders(ctx).topValues.load({ group: { object: d.object, limit: n }, id: d.key });
    },
    numericStats: async (d, _args, ctx) => {
      if (fieldType(d) !== 'NUMBER') return null;
      const stats = await statsOf(d, ctx);
      return stats ? { min: stats.min, max: stats.max, avg: stats.avg, sum: stats.sum } : null;
    },
  },
};
