import { requireScope } from '../context.ts';
import type { Resolvers } from '../graphql/generated.ts';
import { listViews } from './service.ts';

export const viewsResolvers: Resolvers = {
  Query: {
    views: (_parent, { object }, ctx) => {
      requireScope(ctx, 'READ');
      return listViews(ctx, object);
    },
  },
};
