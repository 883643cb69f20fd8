import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { type PgDatabase, PgPreparedQuery, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { pathFromRoot } from '../files.ts';
import { lockDataDir } from './lock.ts';
import * as schema from './schema.ts';
import { traceStatement } from './spans.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything that runs a statement: the root handle or a transaction. Pass the transaction explicitly. */
export type Queryable = Db | Tx;

export const MIGRATIONS_FOLDER = pathFromRoot('drizzle');

/** Counts statements sent, so tests can prove a request costs a constant number of round trips. */
export interface QueryStats {
  statements: number;
}

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  stats: QueryStats;
  /**
   * Apply pending migrations (under an advisory lock on PostgreSQL, so instances can start
   * together), then run `afterwards` still under the lock (first-run set-up that must happen once).
   */
  migrate<T = void>(afterwards?: () => Promise<T>): Promise<T | undefined>;
  /** Cheap liveness probe of the database. */
  ping(): Promise<void>;
  /**
   * Tell the database layer that `rows` rows were written. PostgreSQL's autovacuum keeps planner
   * statistics current by itself; embedded PGlite has no autovacuum, so this schedules an ANALYZE
   * there once enough has changed (like autovacuum's threshold: 1,000 rows + 10% of what exists).
   */
  noteWrites(rows: number): void;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent the embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory; absent = in memory. */
  dataDir?: string | undefined;
  /** postgres.js pool size. */
  maxConnections?: number;
  /** Seconds to wait for a PostgreSQL connection before failing (so requests never hang). */
  connectTimeoutSeconds?: number;
  /** Server-side cap on one statement, in ms (a runaway query ends instead of holding a connection). */
  statementTimeoutMs?: number;
}

// Arbitrary constant shared by every instance of this service.
const MIGRATION_LOCK_ID = 7_311_942_001;

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  traceStatements();
  const stats: QueryStats = { statements: 0 };
  const logger = { logQuery: () => void stats.statements++ };
  return options.url ? openPostgres(options.url, options, stats, logger) : openPglite(options.dataDir, stats, logger);
}

type StatementLogger = { logQuery(): void };

function postgresClient(url: string, options: DatabaseOptions) {
  return postgres(url, {
    max: options.maxConnections ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    // Bounded waits everywhere: a statement, a transaction left idle by a crashed request, and a
    // dead peer (TCP keepalive) all end with an error the API turns into a 503, never a hang.
    // Idle connections are closed after a minute, so a pool rebuilt after an outage does not
    // keep sockets that died with it.
    idle_timeout: 60,
    keep_alive: 30,
    // postgres.js waits before each reconnection attempt, growing to 20 s after repeated
    // failures: during an outage every request would queue that long, and after it the pool
    // would take as long to notice recovery. Capped at 1 s, outages fail fast (503) and heal fast.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    connection: {
      application_name: 'correlated-ingest',
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      idle_in_transaction_session_timeout: 60_000,
      // Every execution is planned for its own parameters. Workspaces differ by orders of
      // magnitude (100 accounts or 100k, a window just created or a year old), so a cached
      // generic plan — made after five runs, for no workspace in particular — can be the wrong
      // one for all later ones: the bench caught a users ranking sorting its whole window
      // (17 ms) instead of walking the rank index (1 ms). Planning costs well under a millisecond.
      plan_cache_mode: 'force_custom_plan',
      // No JIT compilation: the service's statements touch a bounded number of rows each, so
      // compiling never pays for itself, and a statement planned on stale statistics (a table that
      // grew by millions of rows since its last ANALYZE) looks expensive enough to be compiled with
      // every optimization: at 1M users the fold spent 1.6 s of its 3.2 s compiling.
      jit: 'off',
    },
    onnotice: () => {},
  });
}

function openPostgres(url: string, options: DatabaseOptions, stats: QueryStats, logger: StatementLogger): Database {
  const client = postgresClient(url, options);
  const db = drizzlePostgres(client, { schema, logger }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    stats,
    async migrate<T>(afterwards?: () => Promise<T>) {
      const lock = await client.reserve();
      try {
        await lock`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migratePostgres(drizzlePostgres(client), { migrationsFolder: MIGRATIONS_FOLDER });
        return await afterwards?.();
      } finally {
        await lock`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => {});
        lock.release();
      }
    },
    async ping() {
      await client`select 1`;
    },
    noteWrites() {},
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

async function openPglite(dataDir: string | undefined, stats: QueryStats, logger: StatementLogger): Promise<Database> {
  // One process per data directory: a second opener refuses (see lock.ts) instead of losing writes.
  const lock = dataDir ? lockDataDir(dataDir) : undefined;
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  try {
    await client.waitReady;
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = drizzlePglite(client, { schema, logger }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    stats,
    async migrate<T>(afterwards?: () => Promise<T>) {
      // One process owns an embedded database: nothing to serialise against.
      await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER });
      return afterwards?.();
    },
    async ping() {
      await client.query('select 1');
    },
    noteWrites: analyzeAfterWrites(client),
    async close() {
      try {
        if (!client.closed) await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/** PGlite's stand-in for autovacuum's statistics (see Database.noteWrites). */
function analyzeAfterWrites(client: PGlite): (rows: number) => void {
  const analyze = { pending: 0, analyzed: 0, running: false };
  return (rows) => {
    analyze.pending += rows;
    if (analyze.running || client.closed || analyze.pending < 1000 + analyze.analyzed / 10) return;
    analyze.running = true;
    const covered = analyze.pending;
    client
      .query('analyze')
      .then(() => {
        analyze.analyzed += covered;
        analyze.pending -= covered;
      })
      .catch(() => {})
      .finally(() => {
        analyze.running = false;
      });
  };
}

/**
 * A span per SQL statement of a traced request (src/observability/tracing.ts). Every statement of
 * both drivers, in or out of a transaction, goes through drizzle's `queryWithCache` (internal API
 * of drizzle-orm 0.45: test/dx/tracing.test.ts fails if an upgrade moves it), which sees the
 * statement text with its $n placeholders and the driver's result, never the values.
 */
let statementsTraced = false;
function traceStatements(): void {
  if (statementsTraced) return;
  statementsTraced = true;
  type Run = (text: string, params: unknown[], query: () => Promise<unknown>) => Promise<unknown>;
  const prototype = PgPreparedQuery.prototype as unknown as { queryWithCache: Run };
  const original = prototype.queryWithCache;
  prototype.queryWithCache = function (this: unknown, text, params, query) {
    return traceStatement(text, () => original.call(this, text, params, query), rowCount);
  };
}

/** Rows returned or changed: postgres.js answers an array with `count`, PGlite `{ rows, affectedRows }`. */
function rowCount(result: unknown): number | undefined {
  if (Array.isArray(result)) return (result as { count?: number }).count ?? result.length;
  const { rows: returned, affectedRows } = (result ?? {}) as { rows?: unknown[]; affectedRows?: number };
  return returned?.length || affectedRows || returned?.length;
}

/**
 * Run a raw statement and return its rows, whichever driver is underneath
 * (postgres.js returns an array, PGlite an object with `rows`).
 * Cast bigint/numeric results to int/float8 and dates to text in SQL: drivers disagree on them.
 */
export async function rows<T>(q: Queryable, query: SQL): Promise<T[]> {
  const result = (await q.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** A whole batch as one jsonb parameter: constant statement text whatever the batch size, far below the 65,535-parameter limit. */
export function jsonParam(value: unknown): SQL {
  return sql`${JSON.stringify(value)}::jsonb`;
}

/**
 * A numeric expression as float8, clamped to the largest finite doubles: sums and averages are
 * computed in numeric (exact, cannot overflow) and a plain cast would fail beyond ±1.8e308.
 */
export function toFloat8(expr: SQL): SQL {
  // Not least/greatest: they ignore NULL, and an empty aggregate must stay NULL. (PostgreSQL
  // computes an aggregate written several times once.)
  return sql`(case when ${expr} > 1.7976931348623157e308 then 1.7976931348623157e308
    when ${expr} < -1.7976931348623157e308 then -1.7976931348623157e308 else ${expr} end)::float8`;
}
