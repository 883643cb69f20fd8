import type { Resolvers } from '../__generated__/types.ts';
import { listViews } from './service.ts';

export const viewsResolvers: Resolvers = {
  Query: {
    views: (_parent, { object }, ctx) => {
      return listViews(ctx, object);
    },
  },
};
