import { Writable } from 'node:stream';
import { afterAll, beforeAll } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import type { Clock } from '../../src/context.ts';
import type { Database } from '../../src/db/client.ts';
import { createWorkspace } from '../../src/keys/service.ts';
import { startTracing, type Tracing } from '../../src/observability/tracing.ts';
import { type AppServer, buildServer } from '../../src/server.ts';
import { openTestDatabase } from './database.ts';

export interface GqlResponse<T = Record<string, any>> {
  status: number;
  headers: Record<string, unknown>;
  data: T | null | undefined;
  errors: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }> | undefined;
}

export interface TestApp {
  server: AppServer;
  database: Database;
  config: Config;
  /** Every log line the server wrote, raw. */
  logs: string[];
  /** Workspace "A" and its admin key. */
  workspaceId: string;
  adminKey: string;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GqlResponse<T>>;
  /** Create another workspace; returns its id and admin key. */
  newWorkspace(name: string): Promise<{ workspaceId: string; adminKey: string }>;
  /** Create a key with the given scopes in workspace A (or another) and return its secret. */
  keyWithScopes(scopes: Array<'INGEST' | 'READ' | 'ADMIN'>, adminKey?: string): Promise<string>;
  close(): Promise<void>;
}

/** A stream for a server's logger that keeps every line it is given, raw, in `logs`. */
export function logSink(): { logs: string[]; stream: Writable } {
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  return { logs, stream };
}

/**
 * "Now" for every test server that does not set a clock of its own: the windows, measures, views
 * and ingestion of a test answer the same whatever the day and hour it runs at. Tests place their
 * data relative to it (`TEST_NOW`, `daysBefore`).
 */
export const TEST_NOW = new Date('2026-12-02T15:00:00.000Z');
export const testClock: Clock = () => new Date(TEST_NOW);
/** An ISO timestamp `days` before TEST_NOW (fractions allowed). */
export const daysBefore = (days: number): string => new Date(TEST_NOW.getTime() - days * 86_400_000).toISOString();

/** A real server (Fastify + Apollo) on a fresh database, driven through HTTP injection. */
export async function createTestApp(env: Record<string, string> = {}, options: { now?: Clock } = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  // No timed sweep (FOLD_SWEEP_MS 0): its statements would land in statement counts at random;
  // test/rollups/fold.test.ts calls the sweep itself.
  const config = loadConfig({ LOG_LEVEL: 'info', PUBLIC_URL: 'http://api.test', FOLD_SWEEP_MS: '0', ...env });
  const { logs, stream } = logSink();
  const server = await buildServer({
    config,
    database,
    now: options.now ?? testClock,
    logger: {
      level: config.logLevel,
      stream,
      redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
    },
  });
  await server.app.ready();
  const first = await createWorkspace(database.db, 'A');

  const gql: TestApp['gql'] = async (query, variables, key) => {
    const usedKey = key === undefined ? first.secret : key;
    const response = await server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...(usedKey ? { authorization: `Bearer ${usedKey}` } : {}) },
      payload: JSON.stringify({ query, variables: variables ?? {} }),
    });
    // A call and the background fold it started, as one step: what a test reads next (even from the
    // tables themselves) is folded, and statement counts include the fold. (Reads catch up anyway;
    // test/rollups/ tests the unfolded tail.)
    await server.deps.folder.idle();
    // And the best-effort writes a call leaves behind (a key's last-used time): on PGlite they are
    // queued before this ping, so a test's next statement count starts after them.
    await database.ping();
    const body = response.json() as { data?: any; errors?: any };
    return { status: response.statusCode, headers: response.headers, data: body.data, errors: body.errors };
  };

  return {
    server,
    database,
    config,
    logs,
    workspaceId: first.workspace.id,
    adminKey: first.secret,
    gql,
    async newWorkspace(name) {
      const created = await createWorkspace(database.db, name);
      return { workspaceId: created.workspace.id, adminKey: created.secret };
    },
    async keyWithScopes(scopes, adminKey) {
      const res = await gql<{ createApiKey: { secret: string } }>(
        'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret userErrors { message } } }',
        { input: { name: `test ${scopes.join('+')}`, scopes } },
        adminKey ?? first.secret,
      );
      const secret = res.data?.createApiKey.secret;
      if (!secret) throw new Error(`could not create key: ${JSON.stringify(res)}`);
      return secret;
    },
    async close() {
      await server.app.close();
      await database.close();
    },
  };
}

/**
 * The server of a test file, or of one `describe` block: built before its tests (by a `beforeAll`
 * registered here, so the suite's own `beforeAll` hooks, registered after, can seed it) and closed
 * after them. The returned object is filled in when the server is built: use it in hooks and tests.
 */
export function suiteApp(env: Record<string, string> = {}): TestApp {
  const app = {} as TestApp;
  beforeAll(async () => {
    Object.assign(app, await createTestApp(env));
  });
  afterAll(async () => {
    await app.close?.();
  });
  return app;
}

/**
 * Like `suiteApp`, with OpenTelemetry tracing started before the server is built (so it is traced)
 * and shut down after it closes. `tracing()` is the started tracer, once the suite has begun.
 */
export function tracedSuiteApp(options: Parameters<typeof startTracing>[0]): { t: TestApp; tracing: () => Tracing } {
  const t = {} as TestApp;
  let tracing: Tracing | undefined;
  beforeAll(async () => {
    tracing = await startTracing(options);
    // Requests are traced once the collector answered the probe sent at start.
    await tracing?.ready;
    Object.assign(t, await createTestApp({ LOG_LEVEL: 'silent' }));
  });
  afterAll(async () => {
    await t.close?.();
    await tracing?.shutdown();
  });
  return { t, tracing: () => tracing! };
}
