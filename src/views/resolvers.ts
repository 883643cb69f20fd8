import type { Resolvers } from '../graphql/generated.ts';
import { listViews } from './service.ts';

export const viewsResolvers: Resolvers = {
  Query: {
    views: (_parent, { object }, ctx) => {
      return listViews(ctx, object);
    },
  },
};
