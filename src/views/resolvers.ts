import type { Resolvers } from '../__generated__/types.ts';
import { listViews } from './service.ts';

export const viewsResolvers: Resolvers = {
  Query: {
    // The previews execute the views' operations against the schema running this one (info.schema).
    views: (_parent, { object }, ctx, info) => {
      return listViews(ctx, info.schema, object);
    },
  },
};
