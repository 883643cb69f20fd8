import DataLoader from 'dataloader';
import { and, eq } from 'drizzle-orm';
import type { ObjectKind } from '../catalog/inference.ts';
import type { DimensionModel, DimensionStats, MetricModel, ValueCountModel } from '../catalog/models.ts';
import * as catalog from '../catalog/queries.ts';
import { anyOf, type Db } from '../db/client.ts';
import { type AccountRow, accounts, type UserRow, users } from '../db/schema.ts';
import type { MetricSpec } from './metrics.ts';
import * as queries from './queries.ts';
import type { DayRange, Interval } from './time.ts';

/** A request for one record under some shared arguments (the group): batched per group. */
interface Keyed {
  group: string;
  id: string;
}

/**
 * A loader whose keys share arguments (a page size, a metric and window, …): one batch runs one
 * statement per distinct group, whatever the number of records, so nested fields cost a constant
 * number of statements per request.
 */
export function groupedLoader<V>(load: (group: string, ids: string[]) => Promise<Map<string, V>>, missing: V) {
  return new DataLoader<Keyed, V, string>(
    async (keys) => {
      const groups = new Map<string, string[]>();
      for (const key of keys) groups.set(key.group, [...(groups.get(key.group) ?? []), key.id]);
      const results = new Map<string, Map<string, V>>();
      await Promise.all([...groups].map(async ([group, ids]) => results.set(group, await load(group, [...new Set(ids)]))));
      return keys.map((key) => results.get(key.group)?.get(key.id) ?? missing);
    },
    { cacheKeyFn: (key) => `${key.group}\u0000${key.id}` },
  );
}

export interface MetricValueGroup {
  object: queries.RecordObject;
  spec: MetricSpec;
  days: DayRange | null;
}

export interface SeriesGroup {
  object: queries.RecordObject;
  spec: MetricSpec;
  days: DayRange;
  interval: Interval;
  timeZone: string;
}

export interface PageGroup {
  after: string | null;
  limit: number;
}

export interface EventPageGroup {
  name: string | null;
  after: { at: string; key: string } | null;
  limit: number;
}

/** Batched, per-request reads of accounts, users, events, metrics and the catalog, scoped to one workspace. */
export function createInsightsLoaders(db: Db, workspaceId: string) {
  const parse = <T>(group: string) => JSON.parse(group) as T;
  return {
    accountById: new DataLoader<string, AccountRow | null>(async (ids) => {
      const found = await db
        .select()
        .from(accounts)
        .where(and(eq(accounts.workspaceId, workspaceId), anyOf(accounts.id, ids)));
      const byId = new Map(found.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    userById: new DataLoader<string, UserRow | null>(async (ids) => {
      const found = await db
        .select()
        .from(users)
        .where(and(eq(users.workspaceId, workspaceId), anyOf(users.id, ids)));
      const byId = new Map(found.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),

    /** The catalog of an object (defaults first), read once per request. */
    dimensions: new DataLoader<ObjectKind, DimensionModel[]>(async (objects) =>
      Promise.all(objects.map((object) => catalog.loadDimensions(db, workspaceId, object))),
    ),
    /** Group = object. */
    dimensionStats: groupedLoader<DimensionStats | null>(
      async (object, keys) => catalog.dimensionStats(db, workspaceId, object as ObjectKind, keys),
      null,
    ),
    /** Group = JSON [object, limit]. */
    topValues: groupedLoader<ValueCountModel[]>(async (group, keys) => {
      const [object, limit] = parse<[ObjectKind, number]>(group);
      return catalog.topValues(db, workspaceId, object, keys, limit);
    }, []),
    /** Catalog entries by JSON [kind, name]. */
    metricByRef: new DataLoader<string, MetricModel | null>(async (refs) => {
      const wanted = refs.map((ref) => parse<['COUNT' | 'VALUE', string]>(ref));
      const found = await catalog.metricCatalog(db, workspaceId, {
        events: wanted.filter(([kind]) => kind === 'COUNT').map(([, name]) => name),
        properties: wanted.filter(([kind]) => kind === 'VALUE').map(([, name]) => name),
      });
      const byRef = new Map(found.map((m) => [JSON.stringify([m.kind, m.name]), m]));
      return refs.map((ref) => byRef.get(ref) ?? null);
    }),

    /** Group = JSON MetricValueGroup. */
    metricValue: groupedLoader<number | null>(async (group, ids) => {
      const g = parse<MetricValueGroup>(group);
      return queries.metricPerRecord(db, workspaceId, g.object, g.spec, g.days, ids);
    }, null),
    /** Group = JSON SeriesGroup; one series (rows incl. the total row) per record. */
    metricSeries: groupedLoader<queries.SeriesRow[]>(async (group, ids) => {
      const g = parse<SeriesGroup>(group);
      const scope = g.object === 'ACCOUNT' ? { accountIds: ids } : { userIds: ids };
      const found = await queries.seriesRows(db, workspaceId, g.spec, g.days, g.interval, g.timeZone, scope, g.object);
      const out = new Map<string, queries.SeriesRow[]>();
      for (const row of found) if (row.id !== null) out.set(row.id, [...(out.get(row.id) ?? []), row]);
      return out;
    }, []),
    /** Group = `ACCOUNT` or `USER`. */
    lastActivity: groupedLoader<Date | null>(
      async (object, ids) => queries.lastActivity(db, workspaceId, object as queries.RecordObject, ids),
      null,
    ),

    /** Group = JSON PageGroup; fetches limit rows per account (callers ask one more than the page). */
    usersOfAccount: groupedLoader<UserRow[]>(async (group, ids) => {
      const g = parse<PageGroup>(group);
      return queries.usersOfAccounts(db, workspaceId, ids, g.after, g.limit);
    }, []),
    userCountOfAccount: groupedLoader<number>(async (_group, ids) => queries.countUsersOfAccounts(db, workspaceId, ids), 0),
    /** Group = JSON EventPageGroup. */
    eventsOfUser: groupedLoader<queries.EventWithKey[]>(async (group, ids) => {
      const g = parse<EventPageGroup>(group);
      return queries.eventsOfUsers(db, workspaceId, ids, g);
    }, []),
    /** Group = JSON event name filter (null for all). */
    eventCountOfUser: groupedLoader<number>(
      async (group, ids) => queries.countEventsOfUsers(db, workspaceId, ids, parse<string | null>(group)),
      0,
    ),
  };
}
