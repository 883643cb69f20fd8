import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/client.ts';
import { createWorkspace } from '../../src/keys/service.ts';
import { recordIngest } from '../../src/observability/metrics.ts';
import { annotate } from '../../src/observability/request.ts';
import { type AppServer, buildServer } from '../../src/server.ts';
import { openTestDatabase } from '../support/database.ts';
import { logSink } from '../support/harness.ts';

// Metrics and request logs of a real server. A test route stands in for the ingestion code: it
// builds the request's context exactly as resolvers get it and reports counts the documented way.

interface Instance {
  server: AppServer;
  logs: string[];
  key: string;
  keyPrefix: string;
  workspaceId: string;
}

let database: Database;
const instances: Instance[] = [];

async function instance(env: Record<string, string> = {}): Promise<Instance> {
  const { logs, stream } = logSink();
  const server = await buildServer({
    config: loadConfig({ LOG_LEVEL: 'info', ...env }),
    database,
    logger: { level: 'info', stream },
  });
  server.app.post('/test/ingest', async (request, reply) => {
    const principal = await server.authenticateRequest(request);
    if (!principal) return reply.code(401).send();
    const ctx = server.contextFor(request, principal);
    // Apollo hands resolvers a shallow copy of the context: the API must work on copies.
    const copy = { ...ctx };
    recordIngest(copy, 'account', { created: 3, updated: 1, notFound: 2, rejected: 0 }, 0.042);
    recordIngest(copy, 'event', { created: 10, duplicate: 5 }, 0.2);
    annotate(copy, { source: 'test' });
    return { ok: true };
  });
  await server.app.ready();
  const created = await createWorkspace(database.db, `W${instances.length}`);
  const made = { server, logs, key: created.secret, keyPrefix: created.key.prefix, workspaceId: created.workspace.id };
  instances.push(made);
  return made;
}

function lines(logs: string[]): Array<Record<string, any>> {
  return logs.flatMap((chunk) => chunk.split('\n').filter(Boolean)).map((line) => JSON.parse(line));
}

async function scrape(server: AppServer, token?: string, from: { remoteAddress?: string; headers?: Record<string, string> } = {}) {
  const response = await server.app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...from.headers },
    ...(from.remoteAddress ? { remoteAddress: from.remoteAddress } : {}),
  });
  return { status: response.statusCode, type: response.headers['content-type'], body: response.body };
}

function sample(body: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((pair) => line.includes(pair))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

const gql = (server: AppServer, key: string, query: string, extra: Record<string, unknown> = {}) =>
  server.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    payload: JSON.stringify({ query, ...extra }),
  });

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  for (const { server } of instances) await server.app.close();
  await database?.close();
});

describe('GET /metrics', () => {
  it('exposes requests, GraphQL operations, ingestion, database and process metrics in Prometheus format', async () => {
    const { server, key } = await instance();
    expect((await gql(server, key, 'query WhoAmI { viewer { scopes } }')).statusCode).toBe(200);
    await gql(server, key, 'query Broken { viewer { nope } }');
    await gql(server, key, 'query Forbidden { apiKeys { id } }');
    await server.app.inject({ method: 'POST', url: '/test/ingest', headers: { authorization: `Bearer ${key}` } });
    await server.app.inject({ method: 'GET', url: '/readyz' });

    const { status, type, body } = await scrape(server);
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    expect(sample(body, 'http_requests_total', { method: 'POST', route: '/graphql', status_code: '200' })).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'http_request_duration_seconds_count', { method: 'POST', route: '/graphql' })).toBeGreaterThanOrEqual(3);
    expect(sample(body, 'graphql_operations_total', { operation: 'WhoAmI', type: 'query', outcome: 'success' })).toBe(1);
    expect(sample(body, 'graphql_operations_total', { operation: 'unresolved', outcome: 'rejected' })).toBe(1);
    expect(sample(body, 'graphql_execution_duration_seconds_count', { type: 'query' })).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'ingest_records_total', { object: 'account', status: 'created' })).toBe(3);
    expect(sample(body, 'ingest_records_total', { object: 'account', status: 'not_found' })).toBe(2);
    expect(sample(body, 'ingest_records_total', { object: 'account', status: 'rejected' })).toBeUndefined();
    expect(sample(body, 'ingest_records_total', { object: 'event', status: 'duplicate' })).toBe(5);
    expect(sample(body, 'ingest_batch_duration_seconds_count', { object: 'account' })).toBe(1);
    expect(sample(body, 'ingest_batch_records_sum', { object: 'event' })).toBe(15);
    expect(sample(body, 'db_operation_duration_seconds_count', { operation: 'readiness', result: 'ok' })).toBe(1);
    expect(sample(body, 'db_up', { driver: database.kind })).toBe(1);
    expect(sample(body, 'db_statements_total', {})).toBeGreaterThan(0);
    expect(body).toContain('process_cpu_seconds_total');
    expect(body).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts operations whose resolvers failed as errors', async () => {
    const { server } = instances[0]!;
    const ingestOnly = await gql(
      server,
      instances[0]!.key,
      'mutation Make { createApiKey(input: { name: "ingest", scopes: [INGEST] }) { secret } }',
    );
    const secret = ingestOnly.json().data.createApiKey.secret as string;
    await gql(server, secret, 'query Forbidden { apiKeys { id } }');
    const { body } = await scrape(server);
    expect(sample(body, 'graphql_operations_total', { operation: 'Forbidden', outcome: 'error' })).toBeGreaterThanOrEqual(1);
  });

  it('keeps a registry per server instance', async () => {
    const other = await instance();
    const { body } = await scrape(other.server);
    expect(sample(body, 'graphql_operations_total', { operation: 'WhoAmI' })).toBeUndefined();
    expect(sample(body, 'ingest_records_total', { object: 'account', status: 'created' })).toBeUndefined();
  });

  it('requires METRICS_TOKEN as a bearer token when it is set, from any address', async () => {
    const { server } = await instance({ METRICS_TOKEN: 'scrape-secret-123', HOST: '0.0.0.0' });
    expect((await scrape(server)).status).toBe(401);
    expect((await scrape(server, 'wrong')).status).toBe(401);
    const ok = await scrape(server, 'scrape-secret-123');
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('http_requests_total');
    expect((await scrape(server, 'scrape-secret-123', { remoteAddress: '203.0.113.9' })).status).toBe(200);
    expect((await scrape(server, undefined, { remoteAddress: '203.0.113.9' })).status).toBe(401);
  });

  it('without METRICS_TOKEN answers only clients on this machine that did not come through a proxy', async () => {
    const { server } = await instance({ HOST: '0.0.0.0' });
    expect((await scrape(server)).status).toBe(200);
    expect((await scrape(server, undefined, { remoteAddress: '::1' })).status).toBe(200);
    const remote = await scrape(server, undefined, { remoteAddress: '203.0.113.9' });
    expect(remote.status).toBe(403);
    expect(JSON.parse(remote.body).message).toMatch(/METRICS_TOKEN/);
    expect(remote.body).not.toContain('graphql_operations_total');
    // A reverse proxy on this machine: the peer is loopback, the client is not.
    expect((await scrape(server, undefined, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(403);
    // Even when the proxy is trusted, a forged loopback X-Forwarded-For does not open it.
    const trusting = await instance({ TRUST_PROXY: 'true' });
    expect(
      (await scrape(trusting.server, undefined, { remoteAddress: '203.0.113.9', headers: { 'x-forwarded-for': '127.0.0.1' } })).status,
    ).toBe(403);
  });
});

describe('request logs', () => {
  it('writes one line per request with request id, workspace, key prefix, operation and duration', async () => {
    const { server, logs, key, keyPrefix, workspaceId } = await instance();
    logs.length = 0;
    const response = await gql(server, key, 'query LoggedViewer { viewer { scopes } }');
    const requestId = response.headers['x-request-id'];
    expect(requestId).toBeTruthy();
    const mine = lines(logs).filter((line) => line.reqId === requestId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      level: 30,
      method: 'POST',
      path: '/graphql',
      statusCode: 200,
      workspaceId,
      keyPrefix,
      operation: 'LoggedViewer',
      operationType: 'query',
    });
    expect(typeof mine[0]!.durationMs).toBe('number');
    const all = logs.join('');
    expect(all).not.toContain(key);
    expect(all.toLowerCase()).not.toContain('authorization');
  });

  it('carries ingestion record counts and fields annotated by request handlers', async () => {
    const { server, logs, key } = await instance();
    logs.length = 0;
    const response = await server.app.inject({ method: 'POST', url: '/test/ingest', headers: { authorization: `Bearer ${key}` } });
    const line = lines(logs).find((l) => l.reqId === response.headers['x-request-id']);
    expect(line?.records).toEqual({ account: { created: 3, updated: 1, not_found: 2 }, event: { created: 10, duplicate: 5 } });
    expect(line?.source).toBe('test');
  });

  it('logs the TCP peer as the client address unless TRUST_PROXY names the proxy', async () => {
    const logged = async (server: AppServer, logs: string[], remoteAddress: string) => {
      logs.length = 0;
      const response = await server.app.inject({
        method: 'GET',
        url: '/nowhere',
        remoteAddress,
        headers: { 'x-forwarded-for': '198.51.100.7' },
      });
      return lines(logs).find((l) => l.reqId === response.headers['x-request-id'])?.ip;
    };
    const plain = await instance();
    expect(await logged(plain.server, plain.logs, '10.0.0.2')).toBe('10.0.0.2');
    const trustAll = await instance({ TRUST_PROXY: 'true' });
    expect(await logged(trustAll.server, trustAll.logs, '10.0.0.2')).toBe('198.51.100.7');
    const named = await instance({ TRUST_PROXY: '10.0.0.2,10.1.0.0/16' });
    expect(await logged(named.server, named.logs, '10.0.0.2')).toBe('198.51.100.7');
    expect(await logged(named.server, named.logs, '10.1.4.4')).toBe('198.51.100.7');
    expect(await logged(named.server, named.logs, '10.0.0.3')).toBe('10.0.0.3');
    expect(() => loadConfig({ TRUST_PROXY: 'the load balancer' })).toThrow(/TRUST_PROXY must be/);
  });

  it('keeps a well-formed X-Request-Id from the load balancer and replaces a malformed one', async () => {
    const { server, logs } = await instance();
    logs.length = 0;
    const kept = await server.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'lb-1234.abc' } });
    expect(kept.headers['x-request-id']).toBe('lb-1234.abc');
    const replaced = await server.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\nwith newline' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs unknown routes and client errors on the same single line', async () => {
    const { server, logs } = await instance();
    logs.length = 0;
    const missing = await server.app.inject({ method: 'GET', url: '/nowhere?token=abc' });
    const broken = await server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    const parsed = lines(logs);
    expect(parsed.filter((l) => l.reqId === missing.headers['x-request-id'])).toEqual([
      expect.objectContaining({ path: '/nowhere', statusCode: 404 }),
    ]);
    const brokenLines = parsed.filter((l) => l.reqId === broken.headers['x-request-id']);
    expect(brokenLines).toHaveLength(1);
    expect(brokenLines[0]).toMatchObject({ statusCode: 400 });
    expect(logs.join('')).not.toContain('token=abc');
  });
});
