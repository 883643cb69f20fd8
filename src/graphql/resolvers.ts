import type { Resolvers } from './generated.ts';
import { meaningResolvers } from '../catalog/meaning-resolvers.ts';
import { catalogResolvers } from '../catalog/resolvers.ts';
import { ingestResolvers } from '../ingest/resolvers.ts';
import { measureResolvers } from '../insights/measure-resolvers.ts';
import { insightsResolvers } from '../insights/resolvers.ts';
import { keysResolvers } from '../keys/resolvers.ts';
import { viewsResolvers } from '../views/resolvers.ts';
import { scalarResolvers } from './scalars.ts';

type ResolverMap = Record<string, Record<string, unknown>>;

/** Merge the domains' resolver maps type by type. A field defined twice is a bug: fail loudly. */
function merge(...maps: Resolvers[]): Resolvers {
  const out: ResolverMap = {};
  for (const map of maps as ResolverMap[]) {
    for (const [type, fields] of Object.entries(map)) {
      const target = out[type] ?? {};
      out[type] = target;
      for (const [field, resolver] of Object.entries(fields)) {
        if (field in target) throw new Error(`Resolver ${type}.${field} is defined twice`);
        target[field] = resolver;
      }
    }
  }
  return out as Resolvers;
}

export const resolvers: Resolvers = {
  ...scalarResolvers,
  ...merge(keysResolvers, ingestResolvers, insightsResolvers, catalogResolvers, meaningResolvers, measureResolvers, viewsResolvers),
};
