import { type GraphQLResolveInfo, Kind } from 'graphql';
import type { Resolvers } from '../__generated__/types.ts';
import { DEFAULT_FIELDS } from '../catalog/fields.ts';
import { parseIsoDateTime } from '../catalog/inference.ts';
import { catalogLoaders } from '../catalog/loaders.ts';
import type { AccountRow, UserRow } from '../db/schema.ts';
import { lookupId } from '../text.ts';
import type { FieldType, RecordKind } from '../vocabulary.ts';
import { insightsLoaders } from './loaders.ts';
import type { ConnectionModel } from './models.ts';
import { eventReach } from './reach.ts';
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
const boolean = (dims: Dims, key: string) => {
  const value = own(dims, key);
  return typeof value === 'boolean' ? value : null;
};
const READERS: Record<FieldType, (dims: Dims, key: string) => unknown> = {
  STRING: text,
  EMAIL: text,
  URL: text,
  NUMBER: number,
  BOOLEAN: boolean,
  DATETIME: instant,
  MIXED: (dims, key) => own(dims, key) ?? null,
};
/** The GraphQL fields of an object's default fields, read from its dimensions by the field model's types. */
const defaultFieldResolvers = (object: RecordKind) =>
  Object.fromEntries(
    DEFAULT_FIELDS[object]
      .filter((field) => !field.identifier)
      .map((field) => [field.key, (row: AccountRow | UserRow) => READERS[field.type](row.dims, field.key)]),
  );
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

/** Whether the connection's own selection names `totalCount` (fragments are not followed: it is then counted on its own). */
const selectsTotal = (info: GraphQLResolveInfo) =>
  info.fieldNodes.some((node) => node.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'totalCount'));

export const insightsResolvers: Resolvers = {
  Query: {
    metricSeries: (_parent, { input }, ctx) => {
      return insights.workspaceSeries(ctx, input, input.scope);
    },
    eventReach: (_parent, args, ctx) => {
      return eventReach(ctx, args);
    },
    accounts: (_parent, args, ctx, info) => {
      return insights.recordConnection<AccountRow>(ctx, 'ACCOUNT', args, { withTotal: selectsTotal(info) });
    },
    users: (_parent, args, ctx, info) => {
      return insights.recordConnection<UserRow>(ctx, 'USER', args, { withTotal: selectsTotal(info) });
    },
    account: (_parent, { id }, ctx) => {
      return byId(insightsLoaders(ctx).accountById, id);
    },
    user: (_parent, { id }, ctx) => {
      return byId(insightsLoaders(ctx).userById, id);
    },
  },
  AccountConnection: connection,
  UserConnection: connection,
  EventConnection: connection,
  MetricSeries: {
    metric: (series, _args, ctx) => catalogLoaders(ctx).metricByRef.load({ kind: series.ref[0], name: series.ref[1] }),
  },
  Account: {
    ...defaultFieldResolvers('ACCOUNT'),
    dimensions: (a) => a.dims,
    dimension: (a, { key }) => dimension(a, key),
    users: (a, args, ctx) => insights.usersOfAccount(ctx, a.id, args),
    metric: (a, args, ctx) => insights.recordMetric(ctx, 'ACCOUNT', a.id, args),
    metricSeries: (a, args, ctx) => insights.recordSeries(ctx, 'ACCOUNT', a.id, args),
    lastActivityAt: (a, _args, ctx) => insightsLoaders(ctx).lastActivity.load({ group: 'ACCOUNT', id: a.id }),
  },
  User: {
    ...defaultFieldResolvers('USER'),
    // The account link is a column (kept in step with the dimension on write).
    accountId: (u) => u.accountId,
    account: (u, _args, ctx) => (u.accountId ? insightsLoaders(ctx).accountById.load(u.accountId) : null),
    dimensions: (u) => u.dims,
    dimension: (u, { key }) => dimension(u, key),
    metric: (u, args, ctx) => insights.recordMetric(ctx, 'USER', u.id, args),
    metricSeries: (u, args, ctx) => insights.recordSeries(ctx, 'USER', u.id, args),
    events: (u, args, ctx) => insights.eventsOfUser(ctx, u.id, args),
    lastActivityAt: (u, _args, ctx) => insightsLoaders(ctx).lastActivity.load({ group: 'USER', id: u.id }),
  },
  Event: {
    id: (e) => e.dedupKey,
    timestamp: (e) => e.occurredAt,
    // Events without an explicit account follow their user's current account.
    accountId: async (e, _args, ctx) => e.accountId ?? (await insightsLoaders(ctx).userById.load(e.userId))?.accountId ?? null,
  },
};
