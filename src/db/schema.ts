import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  jsonb,
  numeric,
  pgTable,
  pgView,
  primaryKey,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

// Tenancy rule: every tenant table starts its primary key (and every unique index) with
// workspace_id, so the schema can be distributed by workspace (Citus) without rewriting keys.
// test/db/tenancy.test.ts enforces it against the live database.

/** Values (as jsonb text) up to this size are in the top-N index of `field_values`; btree entries hold ~2.7 kB. */
export const INDEXED_VALUE_BYTES = 2000;

/**
 * The key of a jsonb value in `field_values`: equal exactly when the values are equal as jsonb
 * (numbers by value, so 1.50 and 1.5 share a key; "1" and 1 do not).
 */
export const valueHash = (value: string) =>
  sql.raw(`md5(case when jsonb_typeof(${value}) = 'number' then trim_scale((${value})::numeric)::text else ${value}::text end)`);

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Dimension values of one record: default fields under their GraphQL names, custom fields under their keys. */
export type Dimensions = Record<string, string | number | boolean>;

export const workspaces = pgTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const apiKeys = pgTable(
  'api_keys',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    name: text('name').notNull(),
    /** First characters of the secret, for recognising a key in lists and logs. */
    prefix: text('prefix').notNull(),
    /** Hex SHA-256 of the secret. The secret itself is never stored. */
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    integration: text('integration'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    lastUsedAt: timestamptz('last_used_at'),
    lastIngestAt: timestamptz('last_ingest_at'),
    revokedAt: timestamptz('revoked_at'),
    expiresAt: timestamptz('expires_at'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index('api_keys_hash_idx').on(t.keyHash)],
);

export const accounts = pgTable(
  'accounts',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    dims: jsonb('dims').$type<Dimensions>().notNull().default({}),
    firstReceivedAt: timestamptz('first_received_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  // Equality filters on dimensions compile to `dims @> {"key": value}`, which this index answers.
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index('accounts_dims_idx').using('gin', t.dims.op('jsonb_path_ops'))],
);

export const users = pgTable(
  'users',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    dims: jsonb('dims').$type<Dimensions>().notNull().default({}),
    /** Derived from dims so the link can never disagree with the dimension value. */
    accountId: text('account_id').generatedAlwaysAs(sql`(dims ->> 'accountId')`),
    firstReceivedAt: timestamptz('first_received_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('users_account_idx').on(t.workspaceId, t.accountId, t.id),
    index('users_dims_idx').using('gin', t.dims.op('jsonb_path_ops')),
  ],
);

export const events = pgTable(
  'events',
  {
    workspaceId: text('workspace_id').notNull(),
    /**
     * The caller's eventId, prefixed with `id:` when it is shaped like a content key or already starts
     * with `id:` (`eventIdKey`); without an eventId, `h:<sha256 of canonical content>` (`contentKey`).
     * The two key spaces are disjoint.
     */
    dedupKey: text('dedup_key').notNull(),
    eventId: text('event_id'),
    name: text('name').notNull(),
    occurredAt: timestamptz('occurred_at').notNull(),
    userId: text('user_id').notNull(),
    /** The account the caller named, if any. Events without one follow their user's account. */
    accountId: text('account_id'),
    properties: jsonb('properties').$type<Record<string, unknown>>().notNull().default({}),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.dedupKey] }),
    index('events_user_time_idx').on(t.workspaceId, t.userId, t.occurredAt.desc(), t.dedupKey),
    index('events_name_time_idx').on(t.workspaceId, t.name, t.occurredAt),
  ],
);

/**
 * Events acknowledged but not yet folded into the derived tables (src/rollups): one row per stored
 * event, inserted by the statement that stores it and deleted by the fold that applies it, in the
 * fold's transaction. A fold takes only committed rows, so a writer that commits late is folded by a
 * later fold, never skipped; a fold that fails or is killed leaves its rows for the next one.
 */
export const unfoldedEvents = pgTable(
  'unfolded_events',
  {
    workspaceId: text('workspace_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    dedupKey: text('dedup_key').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.seq] })],
);

// Per-day rollups, maintained by the fold (src/rollups) from the events it applies, counting each
// stored event once. Keyed per user so that an event without an explicit account can be
// re-attributed when its user's account link arrives or changes (account_id is the effective
// account, rewritten by user upserts; explicit_account_id is '' for "follows the user").
export const metricDaily = pgTable(
  'metric_daily',
  {
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    userId: text('user_id').notNull(),
    explicitAccountId: text('explicit_account_id').notNull(),
    accountId: text('account_id'),
    count: bigint('count', { mode: 'number' }).notNull(),
    lastAt: timestamptz('last_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.name, t.day, t.userId, t.explicitAccountId] }),
    // count as a trailing key column (Drizzle 0.45 has no INCLUDE) lets account series be answered from the index alone.
    index('metric_daily_account_idx').on(t.workspaceId, t.accountId, t.name, t.day, t.count),
    // The same for one user's days (a user's series, a ranking's candidates summed one by one).
    index('metric_daily_user_idx').on(t.workspaceId, t.userId, t.name, t.day, t.count),
  ],
);

export const propertyDaily = pgTable(
  'property_daily',
  {
    workspaceId: text('workspace_id').notNull(),
    property: text('property').notNull(),
    name: text('name').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    userId: text('user_id').notNull(),
    explicitAccountId: text('explicit_account_id').notNull(),
    accountId: text('account_id'),
    n: bigint('n', { mode: 'number' }).notNull(),
    /** Exact (numeric): sums of doubles near ±1.8e308 must not overflow a write or a read. */
    sum: numeric('sum').notNull(),
    min: doublePrecision('min').notNull(),
    max: doublePrecision('max').notNull(),
    lastAt: timestamptz('last_at').notNull(),
    lastValue: doublePrecision('last_value').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.property, t.name, t.day, t.userId, t.explicitAccountId] }),
    index('property_daily_account_idx').on(t.workspaceId, t.accountId, t.property, t.day),
    index('property_daily_user_idx').on(t.workspaceId, t.userId, t.property, t.day),
  ],
);

/**
 * Count metrics per effective account and UTC day: `metric_daily` summed over the account's users
 * (and events naming the account), one row per account and day instead of one per user and day, so
 * an account's series and rankings of accounts by a count over any window read far fewer rows. Kept
 * exact by every write that changes `metric_daily` (event inserts, retroactive attribution, purges),
 * in its statement; rows that fall to zero stay (at zero).
 */
export const accountDaily = pgTable(
  'account_daily',
  {
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    accountId: text('account_id').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.name, t.day, t.accountId] }),
    // One account's series from the index alone (count as a trailing key column).
    index('account_daily_account_idx').on(t.workspaceId, t.accountId, t.name, t.day, t.count),
  ],
);

/**
 * All-time totals of each metric per record, so that the `metrics` catalog reads its distinct users
 * and accounts instead of grouping every rollup row: events of a count metric (`kind` COUNT, `key`
 * the event name) or events carrying a value metric's property (VALUE, `key` the property), per user
 * (`object` USER) and per effective account (ACCOUNT); for value metrics also per event name (NAME),
 * with the exact sum of the values and when they were first (day) and last seen. Kept exact by every
 * write that changes the rollups (event inserts, retroactive attribution, purges), in its statement;
 * rows that fall to zero stay (at zero). `metric_reach_counts` counts the users and accounts with a
 * positive total, split in shards like `event_name_counters`.
 */
export const metricReach = pgTable(
  'metric_reach',
  {
    workspaceId: text('workspace_id').notNull(),
    kind: text('kind').$type<'COUNT' | 'VALUE'>().notNull(),
    object: text('object').$type<'ACCOUNT' | 'USER' | 'NAME'>().notNull(),
    key: text('key').notNull(),
    recordId: text('record_id').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
    /** The count before the last write (0 for a new row): what tells the writer a total left or reached zero. */
    previousCount: bigint('previous_count', { mode: 'number' }).notNull().default(0),
    total: numeric('total').notNull().default('0'),
    firstAt: timestamptz('first_at'),
    lastAt: timestamptz('last_at'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.kind, t.object, t.key, t.recordId] })],
);

/** Users and accounts with a positive all-time total of each metric (`metric_reach`), in shards summed on read. */
export const metricReachCounts = pgTable(
  'metric_reach_counts',
  {
    workspaceId: text('workspace_id').notNull(),
    kind: text('kind').$type<'COUNT' | 'VALUE'>().notNull(),
    key: text('key').notNull(),
    shard: smallint('shard').notNull(),
    users: bigint('users', { mode: 'number' }).notNull(),
    accounts: bigint('accounts', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.kind, t.key, t.shard] })],
);

/**
 * A maintained window: a count metric summed per account (object ACCOUNT) or per user (USER) over
 * the UTC days [first_day, last_day]. `kind` EVENT: the events named `name` (rankings by an event's
 * count or unique users); ACTIVITY: every event in `names`, the workspace's activity events (the
 * activity measures), `name` being a hash of that set, so a change of meanings makes a new window.
 * Created by the first read that needs it (a standard window: the last 7, 30 or 90 days, or the
 * window before one, for usage change), then kept exact by every write that changes `metric_daily`
 * (the fold of new events, retroactive attribution, purges), in the same transaction. Windows end on fixed
 * days, so a window never changes meaning: the next day is a new window, and a window is dropped
 * once `kept_until` (the last day it can be asked for) has passed.
 */
export const metricWindows = pgTable(
  'metric_windows',
  {
    workspaceId: text('workspace_id').notNull(),
    kind: text('kind').$type<'EVENT' | 'ACTIVITY'>().notNull(),
    object: text('object').$type<'ACCOUNT' | 'USER'>().notNull(),
    name: text('name').notNull(),
    firstDay: date('first_day', { mode: 'string' }).notNull(),
    lastDay: date('last_day', { mode: 'string' }).notNull(),
    /** The event names the window counts. */
    names: text('names').array().notNull(),
    keptUntil: date('kept_until', { mode: 'string' }).notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.kind, t.name, t.object, t.firstDay, t.lastDay] })],
);

/**
 * The totals of a maintained window, one row per record with activity in it: its events (`count`)
 * and, for accounts, its users with at least one (`users`, from `metric_window_members`).
 * Migration 0012 (hand-written: Drizzle cannot declare it) adds extended statistics on the window
 * key, so the planner knows each window's size instead of multiplying per-column estimates.
 */
export const metricWindowTotals = pgTable(
  'metric_window_totals',
  {
    workspaceId: text('workspace_id').notNull(),
    kind: text('kind').$type<'EVENT' | 'ACTIVITY'>().notNull(),
    name: text('name').notNull(),
    object: text('object').$type<'ACCOUNT' | 'USER'>().notNull(),
    firstDay: date('first_day', { mode: 'string' }).notNull(),
    lastDay: date('last_day', { mode: 'string' }).notNull(),
    recordId: text('record_id').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
    users: bigint('users', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.kind, t.name, t.object, t.firstDay, t.lastDay, t.recordId] }),
    // Top N of a window in count order, or in unique-users order, from the index alone.
    index('metric_window_totals_rank_idx').on(t.workspaceId, t.kind, t.name, t.object, t.firstDay, t.lastDay, t.count.desc(), t.recordId),
    index('metric_window_totals_users_idx').on(t.workspaceId, t.kind, t.name, t.object, t.firstDay, t.lastDay, t.users.desc(), t.recordId),
  ],
);

/**
 * The events of each user of each account within an account window: what makes the window's
 * distinct-user count (`metric_window_totals.users`) exact under inserts, re-attribution and
 * purges. `previous_count` is the count before the last write (0 for a new row), so a user who
 * becomes active or inactive in the window is recognised from the written row alone.
 */
export const metricWindowMembers = pgTable(
  'metric_window_members',
  {
    workspaceId: text('workspace_id').notNull(),
    kind: text('kind').$type<'EVENT' | 'ACTIVITY'>().notNull(),
    name: text('name').notNull(),
    firstDay: date('first_day', { mode: 'string' }).notNull(),
    lastDay: date('last_day', { mode: 'string' }).notNull(),
    accountId: text('account_id').notNull(),
    userId: text('user_id').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
    previousCount: bigint('previous_count', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.kind, t.name, t.firstDay, t.lastDay, t.accountId, t.userId] })],
);

/**
 * A change counter per event name and ISO week (Monday, UTC), split in shards like
 * `event_name_counters`: every write that changes `metric_daily` or `property_daily` (event
 * inserts, retroactive attribution, purges) adds one to the rows of the (name, week) pairs it
 * touched, in its own statement. The sum over the shards of the pairs an answer reads only grows,
 * so an answer stored with that sum (`rollup_answers`) is still exact while the sum is unchanged.
 * Rows are never lowered or deleted: a sum that went down could equal an older one.
 */
export const rollupVersions = pgTable(
  'rollup_versions',
  {
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    week: date('week', { mode: 'string' }).notNull(),
    shard: smallint('shard').notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.name, t.week, t.shard] })],
);

/**
 * A change counter per object (ACCOUNT, USER), split in shards like `rollup_versions`: every
 * ingestion call that creates, changes or deletes records adds one, in its write transaction. Kept
 * answers that read records (the views' account lists) include it in their sum. Never lowered or
 * deleted, like `rollup_versions`.
 */
export const recordVersions = pgTable(
  'record_versions',
  {
    workspaceId: text('workspace_id').notNull(),
    object: text('object').$type<'ACCOUNT' | 'USER'>().notNull(),
    shard: smallint('shard').notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.object, t.shard] })],
);

/**
 * Answers computed by grouping the rollups or the records (distinct users or accounts over a range,
 * the views' account lists), kept with the sum of the change counters of what they read
 * (`rollup_versions`, `record_versions`), read before they were computed: a read whose sum is the
 * same returns the stored answer instead of computing it again (src/insights/answers.ts). `key`
 * identifies the computation (a hash of its statement, or of the view and its inputs).
 */
export const rollupAnswers = pgTable(
  'rollup_answers',
  {
    workspaceId: text('workspace_id').notNull(),
    key: text('key').notNull(),
    /** Who asks: the views' previews (VIEW) or workspace series (SERIES), each with its own bound. */
    consumer: text('consumer').$type<'VIEW' | 'SERIES'>().notNull().default('SERIES'),
    version: bigint('version', { mode: 'number' }).notNull(),
    value: jsonb('value').$type<unknown[]>().notNull(),
    computedAt: timestamptz('computed_at').notNull().defaultNow(),
    /** When a read last found it (at most every few seconds): the least recently used go first. */
    usedAt: timestamptz('used_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] }), index('rollup_answers_use_idx').on(t.workspaceId, t.consumer, t.usedAt)],
);

/**
 * Per-name event counters, split over a few shards (chosen by the writing connection) so that
 * concurrent event batches do not all queue on the same hot row. Read through `event_names`.
 */
export const eventNameCounters = pgTable(
  'event_name_counters',
  {
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    shard: smallint('shard').notNull(),
    eventCount: bigint('event_count', { mode: 'number' }).notNull(),
    firstAt: timestamptz('first_at').notNull(),
    lastAt: timestamptz('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.name, t.shard] })],
);

/** The count-metric catalog: one row per workspace and event name (the shards summed). */
export const eventNames = pgView('event_names', {
  workspaceId: text('workspace_id').notNull(),
  name: text('name').notNull(),
  eventCount: bigint('event_count', { mode: 'number' }).notNull(),
  firstAt: timestamptz('first_at').notNull(),
  lastAt: timestamptz('last_at').notNull(),
}).as(
  sql`select workspace_id, name, sum(event_count)::bigint as event_count, min(first_at) as first_at, max(last_at) as last_at from event_name_counters group by workspace_id, name`,
);

/** The dimension catalog: every field ever received or declared, per workspace and object. */
export const catalogFields = pgTable(
  'catalog_fields',
  {
    workspaceId: text('workspace_id').notNull(),
    object: text('object').$type<'ACCOUNT' | 'USER' | 'EVENT'>().notNull(),
    key: text('key').notNull(),
    label: text('label').notNull(),
    /** Inferred type (null until a non-null value arrives). */
    type: text('type'),
    declaredType: text('declared_type'),
    semantic: text('semantic'),
    isDefault: boolean('is_default').notNull().default(false),
    firstSeenAt: timestamptz('first_seen_at'),
    lastSeenAt: timestamptz('last_seen_at'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.object, t.key] })],
);

/** A sample of the rejection log: one rejected record, as far as it may be shown. */
export interface IngestIssueSample {
  recordId: string | null;
  message: string;
  at: string;
}

/**
 * The rejection log: every record refused by ingestion, counted per object, field and error code,
 * with when it was first and last seen and a few recent samples. Written in the ingest call that
 * refused the records, bounded per workspace (MAX_INGEST_ISSUES rows, the least recently seen
 * dropped first). `field` is '' when the problem concerns the whole record.
 */
export const ingestIssues = pgTable(
  'ingest_issues',
  {
    workspaceId: text('workspace_id').notNull(),
    object: text('object').$type<'ACCOUNT' | 'USER' | 'EVENT'>().notNull(),
    field: text('field').notNull(),
    code: text('code').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
    firstSeenAt: timestamptz('first_seen_at').notNull(),
    lastSeenAt: timestamptz('last_seen_at').notNull(),
    samples: jsonb('samples').$type<IngestIssueSample[]>().notNull().default([]),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.object, t.field, t.code] }),
    index('ingest_issues_recent_idx').on(t.workspaceId, t.lastSeenAt),
  ],
);

/**
 * A workspace's corrections to inferred meanings: the semantic of a dimension (target ACCOUNT, USER
 * or EVENT) or the role of a metric (target COUNT for an event name, VALUE for a numeric property).
 * Kept apart from the catalog, which ingestion rewrites, so a correction survives re-ingestion.
 * `meaning` null = "this has no meaning" (inference ignored); no row = inference applies.
 */
export const meaningOverrides = pgTable(
  'meaning_overrides',
  {
    workspaceId: text('workspace_id').notNull(),
    target: text('target').$type<'ACCOUNT' | 'USER' | 'EVENT' | 'COUNT' | 'VALUE'>().notNull(),
    key: text('key').notNull(),
    meaning: text('meaning'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.target, t.key] })],
);

/**
 * Catalog statistics of accounts and users, maintained in the ingest transaction that changes the
 * records (src/catalog/statistics.ts), so the catalog reads them instead of scanning every record.
 * `field_values`: how many records hold each value of each field (jsonb equality; rows at zero are
 * deleted). The value is keyed by its hash because a text value may exceed what a btree entry holds;
 * the top-N index covers values short enough to be indexed, the few longer ones have their own.
 */
export const fieldValues = pgTable(
  'field_values',
  {
    workspaceId: text('workspace_id').notNull(),
    object: text('object').$type<'ACCOUNT' | 'USER'>().notNull(),
    key: text('key').notNull(),
    value: jsonb('value').notNull(),
    valueHash: text('value_hash').notNull().generatedAlwaysAs(valueHash('value')),
    /** Short enough for the top-N index (a column, so the planner knows how rare long values are). */
    indexed: boolean('indexed')
      .notNull()
      .generatedAlwaysAs(sql.raw(`octet_length(value::text) <= ${INDEXED_VALUE_BYTES}`)),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.object, t.key, t.valueHash] }),
    index('field_values_top_idx').on(t.workspaceId, t.object, t.key, t.count.desc(), t.value).where(sql`indexed`),
    index('field_values_long_idx').on(t.workspaceId, t.object, t.key, t.count.desc()).where(sql`not indexed`),
    index('field_values_number_idx').on(t.workspaceId, t.object, t.key, sql`(value::numeric)`).where(sql`jsonb_typeof(value) = 'number'`),
  ],
);

/**
 * Per-field summary of accounts and users, maintained with `field_values`: records holding the field,
 * the count and exact sum of its numeric values, and its distinct values. The `id` row counts the records.
 *
 * A field whose non-numeric distinct values outgrow a limit is *sampled* (`sample_shift` > 0): only
 * the values whose hash has at least `sample_shift` trailing zero bits (1 in 2^shift) keep a row in
 * `field_values`, plus the rows that were frequent when sampling began. `distinct_values` then counts
 * the numeric values and the sampled others (`distinct_numbers` the numeric ones), and the catalog
 * reports `distinct_numbers + (distinct_values - distinct_numbers) * 2^sample_shift` as an estimate.
 */
export const fieldStats = pgTable(
  'field_stats',
  {
    workspaceId: text('workspace_id').notNull(),
    object: text('object').$type<'ACCOUNT' | 'USER'>().notNull(),
    key: text('key').notNull(),
    records: bigint('records', { mode: 'number' }).notNull(),
    distinctValues: bigint('distinct_values', { mode: 'number' }).notNull(),
    numbers: bigint('numbers', { mode: 'number' }).notNull(),
    numberSum: numeric('number_sum').notNull(),
    distinctNumbers: bigint('distinct_numbers', { mode: 'number' }).notNull().default(0),
    sampleShift: smallint('sample_shift').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.object, t.key] })],
);

/**
 * Record changes of accounts and users not yet folded into `field_values`/`field_stats`: one row per
 * ingest call (its records' fields before and after), written in the call's transaction and folded
 * by the fold after it commits (src/rollups/fold.ts, src/catalog/statistics.ts). Rows remain only
 * when a process stopped between the two; the next fold of the workspace, or the next start, folds them.
 */
export const fieldChanges = pgTable(
  'field_changes',
  {
    id: bigint('id', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    workspaceId: text('workspace_id').notNull(),
    object: text('object').$type<'ACCOUNT' | 'USER'>().notNull(),
    /** `[{ "b": fields before or null, "a": fields after or null }, …]` */
    changes: jsonb('changes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.object, t.id] })],
);

export type WorkspaceRow = typeof workspaces.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type AccountRow = typeof accounts.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type CatalogFieldRow = typeof catalogFields.$inferSelect;
export type IngestIssueRow = typeof ingestIssues.$inferSelect;
export type MeaningOverrideRow = typeof meaningOverrides.$inferSelect;
