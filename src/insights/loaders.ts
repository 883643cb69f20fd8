import DataLoader from 'dataloader';
import { and, eq } from 'drizzle-orm';
import { type Context, perRequest } from '../context.ts';
import { type AccountRow, accounts, type UserRow, users } from '../db/schema.ts';
import { anyOf } from '../db/sql.ts';
import { groupedLoader, keyOf, loaderPerKind } from '../loaders.ts';
import type { RecordKind } from '../vocabulary.ts';
import type { MetricSpec } from './metrics.ts';
import type { Interval } from './models.ts';
import * as queries from './queries.ts';
import type { DayRange } from './time.ts';

export interface MetricValueGroup {
  object: RecordKind;
  spec: MetricSpec;
  days: DayRange | null;
}

export interface SeriesGroup {
  object: RecordKind;
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

/** Records by ID, one statement per batch; null for an ID the workspace does not hold. */
function byId<Row extends { id: string }>(load: (ids: readonly string[]) => Promise<Row[]>) {
  return new DataLoader<string, Row | null>(async (ids) => {
    const found = new Map((await load(ids)).map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

const specKey = (spec: MetricSpec) => [spec.kind, spec.event, spec.property, spec.aggregate] as const;

/** Batched, per-request reads of accounts, users, events and metrics of the request's workspace. */
export const insightsLoaders = perRequest(({ db, workspaceId }: Context) => ({
  accountById: byId<AccountRow>((ids) =>
    db
      .select()
      .from(accounts)
      .where(and(eq(accounts.workspaceId, workspaceId), anyOf(accounts.id, ids))),
  ),
  userById: byId<UserRow>((ids) =>
    db
      .select()
      .from(users)
      .where(and(eq(users.workspaceId, workspaceId), anyOf(users.id, ids))),
  ),

  metricValue: groupedLoader<MetricValueGroup, number | null>({
    groupKey: (g) => keyOf(g.object, ...specKey(g.spec), g.days?.firstDay ?? null, g.days?.lastDay ?? null),
    load: (g, ids) => queries.metricPerRecord(db, workspaceId, g.object, g.spec, g.days, ids),
    missing: null,
  }),
  /** One series (rows incl. the total row) per record. */
  metricSeries: groupedLoader<SeriesGroup, queries.SeriesRow[]>({
    groupKey: (g) => keyOf(g.object, ...specKey(g.spec), g.days.firstDay, g.days.lastDay, g.interval, g.timeZone),
    load: async (g, ids) => {
      const scope = g.object === 'ACCOUNT' ? { accountIds: ids } : { userIds: ids };
      const found = await queries.seriesRows(db, workspaceId, g.spec, g.days, g.interval, g.timeZone, scope, g.object);
      const out = new Map<string, queries.SeriesRow[]>();
      for (const row of found) if (row.id !== null) out.set(row.id, [...(out.get(row.id) ?? []), row]);
      return out;
    },
    missing: [],
  }),
  lastActivity: loaderPerKind<RecordKind, Date | null>((object, ids) => queries.lastActivity(db, workspaceId, object, ids), null),

  /** Fetches `limit` users per account (callers ask one more than the page). */
  usersOfAccount: groupedLoader<PageGroup, UserRow[]>({
    groupKey: (g) => keyOf(g.after, g.limit),
    load: (g, ids) => queries.usersOfAccounts(db, workspaceId, ids, g.after, g.limit),
    missing: [],
  }),
  userCountOfAccount: groupedLoader<null, number>({
    groupKey: () => '',
    load: (_group, ids) => queries.countUsersOfAccounts(db, workspaceId, ids),
    missing: 0,
  }),
  eventsOfUser: groupedLoader<EventPageGroup, queries.EventWithKey[]>({
    groupKey: (g) => keyOf(g.name, g.after?.at ?? null, g.after?.key ?? null, g.limit),
    load: (g, ids) => queries.eventsOfUsers(db, workspaceId, ids, g),
    missing: [],
  }),
  /** Group = the event name filter (null for all). */
  eventCountOfUser: groupedLoader<string | null, number>({
    groupKey: (name) => keyOf(name),
    load: (name, ids) => queries.countEventsOfUsers(db, workspaceId, ids, name),
    missing: 0,
  }),
}));
