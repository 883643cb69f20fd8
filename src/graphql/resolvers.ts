import type { Resolvers } from '../__generated__/types.ts';
import { meaningResolvers } from '../catalog/meaning-resolvers.ts';
import { catalogResolvers } from '../catalog/resolvers.ts';
import { ingestResolvers } from '../ingest/resolvers.ts';
import { measureResolvers } from '../insights/measure-resolvers.ts';
import { insightsResolvers } from '../insights/resolvers.ts';
import { keysResolvers } from '../keys/resolvers.ts';
import { traceResolvers } from '../observability/tracing.ts';
import { viewsResolvers } from '../views/resolvers.ts';
import { withAuth } from './auth.ts';
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

/** A record error's field (`seats`, `custom.plan_tier`, `properties.amount`) as a path within the record. */
function recordErrorPath(field: string | null): string[] | null {
  if (field === null) return null;
  const dot = field.indexOf('.');
  const nested = dot > 0 && (field.startsWith('custom.') || field.startsWith('properties.'));
  return nested ? [field.slice(0, dot), field.slice(dot + 1)] : [field];
}

const MUTATION_ERROR_CODES: ReadonlySet<string> = new Set(['INVALID', 'NOT_FOUND', 'ALREADY_DONE', 'CONFLICT']);

/** The `UserError` interface: `path` on both implementations. */
const userErrorResolvers: Resolvers = {
  UserError: {
    // The two code enums share no value.
    __resolveType: (error) => (MUTATION_ERROR_CODES.has(error.code) ? 'MutationError' : 'RecordError'),
  },
  MutationError: { path: (error) => error.field ?? null },
  RecordError: { path: (error) => recordErrorPath(error.field ?? null) },
};

/**
 * Scopes are checked here, once, from each root field's `@auth` in schema.graphql (see auth.ts);
 * resolvers that do I/O get a span when tracing is on (src/observability/tracing.ts).
 */
export const resolvers: Resolvers = {
  ...scalarResolvers,
  ...traceResolvers(
    withAuth(
      merge(
        keysResolvers,
        ingestResolvers,
        insightsResolvers,
        catalogResolvers,
        meaningResolvers,
        measureResolvers,
        viewsResolvers,
        userErrorResolvers,
      ),
    ),
  ),
};
