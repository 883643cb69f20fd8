import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { createWorkspace } from '../src/keys/service.ts';
import { startTracing } from '../src/observability/tracing.ts';
import { buildServer } from '../src/server.ts';
import { summarizePlan } from './explain.ts';
import type { CapturedStatement, Ready, Request, Responses, ServerOptions, Workspaces } from './ipc.ts';
import { createScratchTables, openRawClient, rawStatement } from './raw.ts';
import type { RssSample } from './result.ts';

/**
 * The benchmarked server, in its own process (forked by bench/ipc.ts): the real `buildServer` on
 * a database opened with `openDatabase`, listening on an ephemeral port, plus the measuring hooks
 * the parent drives over IPC.
 */

const MB = 1024 * 1024;
const options = JSON.parse(process.env.BENCH_SERVER_OPTIONS ?? '{}') as ServerOptions;

// A parent that dies must not leave a server behind.
process.on('disconnect', () => process.exit(1));

async function main(): Promise<void> {
  // Traced as `npm start` is, when the OTEL_* variables ask for it (docs/reliability.md, "Traces").
  const tracing = await startTracing();
  const database = await openDatabase({ url: options.databaseUrl, dataDir: options.pgliteDir });
  await database.migrate();
  const raw = openRawClient(database, options.databaseUrl, options.rawConnections);
  await createScratchTables(raw);

  // Every statement the server sends goes through drizzle's logger (see openDatabase): wrap it to
  // capture the SQL of one request for EXPLAIN. Drizzle keeps the logger on its session.
  const captured: CapturedStatement[] = [];
  let capturing = false;
  const logger = (database.db as unknown as { session?: { logger?: { logQuery(sql: string, params: unknown[]): void } } }).session?.logger;
  if (logger) {
    const original = logger.logQuery.bind(logger);
    logger.logQuery = (sql, params) => {
      if (capturing) captured.push({ sql, params: [...params] });
      original(sql, params);
    };
  }
  // The server's own client, so EXPLAIN sees parameters exactly as the server sent them.
  const appClient = (database.db as unknown as { $client: unknown }).$client;
  const explainQuery = (text: string, params: unknown[]): Promise<unknown> =>
    database.kind === 'pglite'
      ? (appClient as { query(t: string, p: unknown[]): Promise<{ rows: unknown[] }> }).query(text, params).then((r) => r.rows)
      : (appClient as { unsafe(t: string, p: unknown[]): Promise<unknown[]> }).unsafe(text, params);

  const workspaces = options.attach ?? (await createWorkspaces(database));

  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    GRAPHQL_IDE: 'false',
    // The bench measures throughput, not the per-key rate limits.
    RATE_LIMIT_INGEST_PER_SECOND: '0',
    RATE_LIMIT_READ_PER_SECOND: '0',
    RATE_LIMIT_ADMIN_PER_SECOND: '0',
    // The backpressure bound, when the run names one (docs/benchmarks.md).
    ...(process.env.MAX_UNFOLDED_EVENTS ? { MAX_UNFOLDED_EVENTS: process.env.MAX_UNFOLDED_EVENTS } : {}),
  });
  const server = await buildServer({ config, database, logger: { level: 'warn' } });
  await server.app.listen({ port: 0, host: '127.0.0.1' });

  const samples: RssSample[] = [];
  const sample = () => {
    const memory = process.memoryUsage();
    samples.push({ t: Date.now(), rssMb: Math.round((memory.rss / MB) * 10) / 10, heapMb: Math.round((memory.heapUsed / MB) * 10) / 10 });
  };
  sample();
  setInterval(sample, options.rssIntervalMs).unref();

  const version = await explainQuery('select version() as v', []);
  const versionText = String((version as Array<{ v: string }>)[0]?.v ?? 'unknown').split(' on ')[0] as string;

  const handlers: { [K in Request['type']]: (request: Extract<Request, { type: K }>) => Promise<Responses[K]> } = {
    stats: async () => {
      const cpu = process.cpuUsage();
      const held = await server.app.metrics.registry.getSingleMetric('ingest_backpressure_seconds')?.get();
      return {
        statements: database.stats.statements,
        cpuMs: (cpu.user + cpu.system) / 1000,
        rssMb: process.memoryUsage().rss / MB,
        heldCalls:
          (held?.values as Array<{ metricName?: string; value: number }> | undefined)?.find(
            (v) => v.metricName === 'ingest_backpressure_seconds_count',
          )?.value ?? 0,
      };
    },
    samples: async ({ from }) => samples.slice(from),
    capture: async ({ on }) => {
      capturing = on;
      const taken = captured.splice(0);
      return on ? [] : taken;
    },
    raw: async ({ object, workspaceId, batches }) => {
      const statements = batches.map((batch) => rawStatement(object, workspaceId, batch));
      const started = performance.now();
      const latencies = await Promise.all(
        statements.map(async ({ text, params }) => {
          const t0 = performance.now();
          await raw.query(text, params);
          return performance.now() - t0;
        }),
      );
      return { wallMs: performance.now() - started, latencies };
    },
    explain: async ({ statements }) => {
      const out: Responses['explain'] = [];
      for (const { sql, params } of statements) {
        try {
          const result = (await explainQuery(`explain (analyze, format json) ${sql}`, params)) as Array<Record<string, unknown>>;
          out.push({ sql, error: null, ...summarizePlan(result[0]?.['QUERY PLAN']) });
        } catch (error) {
          out.push({ sql, error: (error as Error).message, scans: [], seqScans: [], executionMs: null, planningMs: null });
        }
      }
      return out;
    },
    analyze: async () => {
      await raw.query('analyze', []);
      return null;
    },
    /** Drop every kept answer (src/insights/answers.ts), so the next read computes its answers. */
    forget: async () => {
      await raw.query('delete from rollup_answers', []);
      return null;
    },
    unfolded: async () => {
      const result = (await raw.query('select count(*)::int as n from unfolded_events', [])) as { rows?: unknown[] } | unknown[];
      const [row] = (Array.isArray(result) ? result : (result.rows ?? [])) as Array<{ n: number }>;
      return { events: row?.n ?? 0 };
    },
    shutdown: async () => {
      await server.app.close();
      await raw.close();
      await database.close();
      setImmediate(() => process.exit(0));
      return null;
    },
  };

  process.on('message', (request: Request & { id: number }) => {
    const handler = handlers[request.type] as (r: Request) => Promise<unknown>;
    handler(request).then(
      (result) => process.send?.({ id: request.id, ok: true, result }),
      (error: unknown) =>
        process.send?.({ id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });

  const ready: Ready = {
    port: (server.app.server.address() as AddressInfo).port,
    kind: database.kind,
    databaseVersion: versionText,
    ...workspaces,
    tracing: tracing !== undefined,
  };
  process.send?.({ type: 'ready', ready });
}

async function createWorkspaces(database: Database): Promise<Workspaces> {
  const rest = await createWorkspace(database.db, 'bench-rest');
  const graphql = await createWorkspace(database.db, 'bench-graphql');
  const warmup = await createWorkspace(database.db, 'bench-warmup');
  return { restKey: rest.secret, graphqlKey: graphql.secret, warmupKey: warmup.secret, restWorkspaceId: rest.workspace.id };
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
