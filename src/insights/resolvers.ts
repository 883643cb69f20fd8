import { parseIsoDateTime } from '../catalog/inference.ts';
import type { AccountRow, UserRow } from '../db/schema.ts';
import type { Resolvers } from '../graphql/generated.ts';
import { lookupId } from '../text.ts';
import type { ConnectionModel } from './models.ts';
import * as insights from './service.ts';

type Dims = AccountRow['dims'];
/** A dimension value by key. `Object.hasOwn`: a key such as `constructor` or `__proto__` must not reach the prototype. */
const own = (dims: Dims, key: string) => (Object.hasOwn(dims, key) ? dims[key] : undefined);
const text = (dims: Dims, key: string) => {
  const value = own(dims, key);
  return typeof value === 'string' ? value : null;
};
const number = (dims: Dims, key: string) => {
  const value = own(dims, key);
  return typeof value === 'number' ? value : null;
};
const instant = (dims: Dims, key: string) => {
  const value = own(dims, key);
  const ms = typeof value === 'string' ? parseIsoDateTime(value) : null;
  return ms === null ? null : new Date(ms);
};
const dimension = (row: AccountRow | UserRow, key: string) => (key === 'id' ? row.id : (own(row.dims, key) ?? null));
/** A record by ID (normalised like on write); an ID no record can have is not looked up. */
const byId = <T>(loader: { load(id: string): Promise<T | null> }, id: string) => {
  const normalized = lookupId(id);
  return normalized === null ? null : loader.load(normalized);
};

const connection = {
  nodes: <T>(c: ConnectionModel<T>) => c.edges.map((edge) => edge.node),
  pageInfo: <T>(c: ConnectionModel<T>) => ({
    hasNextPage: c.hasNextPage,
    hasPreviousPage: c.hasPreviousPage,
    startCursor: c.edges[0]?.cursor ?? null,
    endCursor: c.edges.at(-1)?.cursor ?? null,
  }),
  totalCount: <T>(c: ConnectionModel<T>) => c.totalCount(),
};

export const insightsResolvers: Resolvers = {
  Query: {
    metricSeries: (_parent, { input }, ctx) => {
      return insights.workspaceSeries(ctx, input, input.scope);
    },
    accounts: (_parent, args, ctx) => {
      return insights.recordConnection<AccountRow>(ctx, 'ACCOUNT', args);
    },
    users: (_parent, args, ctx) => {
      return insights.recordConnection<UserRow>(ctx, 'USER', args);
    },
    account: (_parent, { id }, ctx) => {
      return byId(ctx.loaders.accountById, id);
    },
    user: (_parent, { id }, ctx) => {
      return byId(ctx.loaders.userById, id);
    },
  },
  AccountConnection: connection,
  UserConnection: connection,
  EventConnection: connection,
  MetricSeries: {
    metric: (series, _args, ctx) => ctx.loaders.metricByRef.load(JSON.stringify(series.ref)),
  },
  Account: {
    // Required on create and never cleared (ingest REQUIRED_ON_CREATE): always a non-empty string.
    name: (a) => text(a.dims, 'name') as string,
    domain: (a) => text(a.dims, 'domain'),
    industry: (a) => text(a.dims, 'industry'),
    employeeCount: (a) => number(a.dims, 'employeeCount'),
    seats: (a) => number(a.dims, 'seats'),
    plan: (a) => text(a.dims, 'plan'),
    region: (a) => text(a.dims, 'region'),
    country: (a) => text(a.dims, 'country'),
    mrr: (a) => number(a.dims, 'mrr'),
    arr: (a) => number(a.dims, 'arr'),
    createdAt: (a) => instant(a.dims, 'createdAt'),
    ownerEmail: (a) => text(a.dims, 'ownerEmail'),
    dimensions: (a) => a.dims,
    dimension: (a, { key }) => dimension(a, key),
    users: (a, args, ctx) => insights.usersOfAccount(ctx, a.id, args),
    metric: (a, args, ctx) => insights.recordMetric(ctx, 'ACCOUNT', a.id, args),
    metricSeries: (a, args, ctx) => insights.recordSeries(ctx, 'ACCOUNT', a.id, args),
    lastActivityAt: (a, _args, ctx) => ctx.loaders.lastActivity.load({ group: 'ACCOUNT', id: a.id }),
  },
  User: {
    email: (u) => text(u.dims, 'email') as string,
    name: (u) => text(u.dims, 'name'),
    firstName: (u) => text(u.dims, 'firstName'),
    lastName: (u) => text(u.dims, 'lastName'),
    title: (u) => text(u.dims, 'title'),
    role: (u) => text(u.dims, 'role'),
    accountId: (u) => u.accountId,
    createdAt: (u) => instant(u.dims, 'createdAt'),
    lastSeenAt: (u) => instant(u.dims, 'lastSeenAt'),
    account: (u, _args, ctx) => (u.accountId ? ctx.loaders.accountById.load(u.accountId) : null),
    dimensions: (u) => u.dims,
    dimension: (u, { key }) => dimension(u, key),
    metric: (u, args, ctx) => insights.recordMetric(ctx, 'USER', u.id, args),
    metricSeries: (u, args, ctx) => insights.recordSeries(ctx, 'USER', u.id, args),
    events: (u, args, ctx) => insights.eventsOfUser(ctx, u.id, args),
    lastActivityAt: (u, _args, ctx) => ctx.loaders.lastActivity.load({ group: 'USER', id: u.id }),
  },
  Event: {
    id: (e) => e.dedupKey,
    timestamp: (e) => e.occurredAt,
    // Events without an explicit account follow their user's current account.
    accountId: async (e, _args, ctx) => e.accountId ?? (await ctx.loaders.userById.load(e.userId))?.accountId ?? null,
  },
};
