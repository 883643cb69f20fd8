import type { Resolvers } from '../__generated__/types.ts';
import { recordMeasure } from './measures.ts';

// Derived measures as fields of Account and User; batched per (object, window) by the measure loaders.

const count = (value: number | null) => value ?? 0;

export const measureResolvers: Resolvers = {
  Account: {
    activeUsers: async (a, { window }, ctx) => count(await recordMeasure(ctx, 'ACCOUNT', a, 'ACTIVE_USERS', window)),
    activity: async (a, { window }, ctx) => count(await recordMeasure(ctx, 'ACCOUNT', a, 'ACTIVITY', window)),
    usageChange: (a, { window }, ctx) => recordMeasure(ctx, 'ACCOUNT', a, 'USAGE_CHANGE', window),
    seatUtilization: (a, { window }, ctx) => recordMeasure(ctx, 'ACCOUNT', a, 'SEAT_UTILIZATION', window),
    daysUntilRenewal: (a, _args, ctx) => recordMeasure(ctx, 'ACCOUNT', a, 'DAYS_UNTIL_RENEWAL', null),
    usersAdded: async (a, { window }, ctx) => count(await recordMeasure(ctx, 'ACCOUNT', a, 'USERS_ADDED', window)),
  },
  User: {
    activity: async (u, { window }, ctx) => count(await recordMeasure(ctx, 'USER', u, 'ACTIVITY', window)),
    active: async (u, { window }, ctx) => count(await recordMeasure(ctx, 'USER', u, 'ACTIVE_USERS', window)) > 0,
    usageChange: (u, { window }, ctx) => recordMeasure(ctx, 'USER', u, 'USAGE_CHANGE', window),
  },
};
