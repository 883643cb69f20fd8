import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_URL, databaseProxy, freshDatabase, postgresTarget, postJson, type ServerProcess, startServer } from './process.ts';

// Database outage: the server reaches PostgreSQL through a TCP proxy the test cuts (every
// connection dropped, new ones refused). While it is cut, ingestion answers 503 + Retry-After
// (GraphQL SERVICE_UNAVAILABLE, REST and JSON-RPC in their own shapes) promptly instead of
// hanging, /readyz reports not ready, and nothing of a refused call is stored. When the proxy
// comes back the service recovers by itself, without a restart.

const TRACK = 'mutation($records: [EventInput]!) { trackEvents(input: { records: $records }) { created results { status } } }';
/** A request that has not answered by then counts as hung (the property under test). */
const HUNG_MS = 30_000;

let db: Awaited<ReturnType<typeof freshDatabase>>;
let proxy: Awaited<ReturnType<typeof databaseProxy>>;
let server: ServerProcess;
let key: string;

beforeAll(async () => {
  if (!BASE_URL) return;
  db = await freshDatabase();
  proxy = await databaseProxy(postgresTarget());
  const viaProxy = new URL(db.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  server = await startServer({ databaseUrl: viaProxy.toString() });
  key = server.adminKey ?? '';
});
afterAll(async () => {
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await proxy?.close();
  await db?.drop();
});

const events = (tag: string) =>
  Array.from({ length: 20 }, (_, i) => ({ name: 'Outage Test', userId: 'u1', timestamp: '2026-01-01T00:00:00Z', eventId: `${tag}-${i}` }));

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - started) };
}

describe.runIf(BASE_URL)('database outage (PostgreSQL behind a proxy that is cut)', () => {
  it('answers 503 + Retry-After promptly, reports not ready, stores nothing, and recovers by itself', { timeout: 300_000 }, async () => {
    const before = await postJson(`${server.url}/graphql`, { query: TRACK, variables: { records: events('before') } }, key);
    expect(before.status).toBe(200);
    expect(before.body.data.trackEvents.created).toBe(20);

    await proxy.cut();
    const timings: Record<string, number> = {};

    const graphql = await timed(() =>
      postJson(`${server.url}/graphql`, { query: TRACK, variables: { records: events('during') } }, key, HUNG_MS),
    );
    timings.graphql = graphql.ms;
    expect(graphql.value.status).toBe(503);
    expect(Number(graphql.value.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(graphql.value.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');

    const rest = await timed(() =>
      postJson(
        `${server.url}/hightouch/v1/objects/event/insert`,
        { records: [{ event_name: 'x', user_id: 'u', timestamp: 1_767_225_600, event_id: 'during-rest' }] },
        key,
        HUNG_MS,
      ),
    );
    timings.rest = rest.ms;
    expect(rest.value.status).toBe(503);
    expect(Number(rest.value.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(rest.value.body.error.code).toBe('SERVICE_UNAVAILABLE');

    const rpc = await timed(() =>
      postJson(
        `${server.url}/hightouch/v1/rpc`,
        { jsonrpc: '2.0', id: 1, method: 'list_fields', params: { object: 'account' } },
        key,
        HUNG_MS,
      ),
    );
    timings.rpc = rpc.ms;
    // JSON-RPC refusals are HTTP 200 with the error object (src/hightouch/jsonrpc.ts).
    expect(rpc.value.status).toBe(200);
    expect(rpc.value.body.error).toMatchObject({ code: -32053, data: { code: 'SERVICE_UNAVAILABLE', retryable: true } });

    const ready = await timed(async () => fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(HUNG_MS) }));
    timings.readyz = ready.ms;
    expect(ready.value.status).toBe(503);
    expect(ready.value.headers.get('retry-after')).toBeTruthy();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    // A burst of concurrent calls: all answered, none hung.
    const burst = await timed(() =>
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          postJson(`${server.url}/graphql`, { query: TRACK, variables: { records: events(`burst-${i}`) } }, key, HUNG_MS),
        ),
      ),
    );
    timings.burstOf20 = burst.ms;
    for (const res of burst.value) expect(res.status).toBe(503);

    await proxy.restore();
    const recovery = await timed(async () => {
      for (;;) {
        const res = await fetch(`${server.url}/readyz`).catch(() => undefined);
        if (res?.status === 200) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });
    timings.recovery = recovery.ms;

    const after = await postJson(`${server.url}/graphql`, { query: TRACK, variables: { records: events('after') } }, key);
    expect(after.status).toBe(200);
    expect(after.body.data.trackEvents.created).toBe(20);

    const check = postgres(db.url, { max: 1, onnotice: () => {} });
    const stored = await check<Array<{ tag: string; n: number }>>`
      select split_part(event_id, '-', 1) as tag, count(*)::int as n from events group by 1 order by 1`;
    await check.end();
    expect(stored).toEqual([
      { tag: 'after', n: 20 },
      { tag: 'before', n: 20 },
    ]);
    console.log(`[outage] ms until answered while PostgreSQL was unreachable, and until ready again: ${JSON.stringify(timings)}`);
  });
});
