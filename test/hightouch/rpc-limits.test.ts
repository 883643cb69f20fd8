import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { createWorkspace } from '../../src/keys/service.ts';
import { BASE_URL, freshDatabase, postJson, type ServerProcess, startServer } from '../reliability/process.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { hightouch, storedAccounts } from './client.ts';

// Issue 12 item 3: a JSON-RPC body may not carry more than MAX_RPC_BATCH_CALLS calls, nor more
// rows over all its add/change/remove calls than MAX_BATCH_RECORDS (the limit REST enforces per
// request); each call spends a rate-limit token (test/hightouch/auth.test.ts). And a hostile
// batch cannot stall the process: /healthz keeps answering within 1 s while it runs.

const configuration = {
  identifierMapping: { from: 'ID', to: 'account_id' },
  mappings: [{ from: 'NAME', to: 'company_name' }],
};
const call = (id: number, method: string, params: unknown) => ({ jsonrpc: '2.0', id, method, params });

describe('JSON-RPC caps (in process)', () => {
  let t: TestApp;
  let ht: ReturnType<typeof hightouch>;
  beforeAll(async () => {
    t = await createTestApp({ MAX_BATCH_RECORDS: '20', MAX_RPC_BATCH_CALLS: '10' });
    ht = hightouch(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses ten add calls whose rows together pass the record limit, before any runs', async () => {
    const body = Array.from({ length: 10 }, (_, i) =>
      call(i, 'add', { idColumn: 'ID', configuration, rows: Array.from({ length: 5 }, (_, j) => ({ ID: `c${i}-${j}`, NAME: 'N' })) }),
    );
    const res = await ht.request('POST', '/rpc', { body });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(10);
    for (const answer of res.body) {
      expect(answer.error).toMatchObject({
        code: -32013,
        message: 'A request may carry at most 20 records; this one has 50.',
        data: { code: 'BATCH_TOO_LARGE', retryable: false },
      });
    }
    expect(await storedAccounts(t, t.workspaceId)).toEqual({});
    // Four calls of five rows fit.
    const fits = await ht.request('POST', '/rpc', { body: body.slice(0, 4) });
    expect(fits.body.map((a: { result?: unknown }) => a.result)).toEqual(Array(4).fill({ rejectedRows: [] }));
  });

  it('refuses a batch of more calls than MAX_RPC_BATCH_CALLS as a whole', async () => {
    const body = Array.from({ length: 11 }, (_, i) => call(i, 'list_fields', { object: 'account', mode: 'upsert' }));
    const res = await ht.request('POST', '/rpc', { body });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: null,
      error: { code: -32013, message: 'A batch may carry at most 10 calls; this one has 11.', data: { retryable: false } },
    });
    const ten = await ht.request('POST', '/rpc', { body: body.slice(0, 10) });
    expect(ten.body).toHaveLength(10);
  });
});

describe('a hostile list_fields batch against a real server process', () => {
  const FIELDS = 10_000;
  let server: ServerProcess | undefined;
  let key: string;
  let cleanup: () => Promise<void> = async () => {};

  beforeAll(async () => {
    // A workspace with 10,000 custom account fields, written straight to the database before the server starts.
    let env: Record<string, string>;
    let databaseUrl: string | undefined;
    if (BASE_URL) {
      const fresh = await freshDatabase();
      databaseUrl = fresh.url;
      env = {};
      cleanup = fresh.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'rpc-hostile-'));
      env = { DATA_DIR: dir };
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    const database = await openDatabase(databaseUrl ? { url: databaseUrl } : { dataDir: env.DATA_DIR });
    await database.migrate();
    const created = await createWorkspace(database.db, 'Hostile');
    key = created.secret;
    await database.db.execute(sql`
      insert into catalog_fields (workspace_id, object, key, label, type, is_default)
      select ${created.workspace.id}, 'ACCOUNT', 'custom_field_' || g, 'Custom field ' || g, 'STRING', false
      from generate_series(1, ${FIELDS}) g`);
    await database.close();
    server = await startServer({ ...(databaseUrl ? { databaseUrl } : {}), env: { ...env, RATE_LIMIT_INGEST_PER_SECOND: '0' } });
  }, 120_000);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    await cleanup();
  });

  /** Poll /healthz every 100 ms while `work` runs; returns the slowest answer and the work's result. */
  async function healthzDuring<T>(work: Promise<T>): Promise<{ slowestMs: number; samples: number; result: T }> {
    let done = false;
    const finished = work.finally(() => {
      done = true;
    });
    let slowestMs = 0;
    let samples = 0;
    do {
      const started = performance.now();
      const res = await fetch(`${server!.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
      expect(res.status).toBe(200);
      slowestMs = Math.max(slowestMs, performance.now() - started);
      samples++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (!done);
    return { slowestMs, samples, result: await finished };
  }

  it('answers /healthz within 1 s while a 200-call list_fields batch (10,000 fields each) is handled', async () => {
    const body = Array.from({ length: 200 }, (_, i) => call(i, 'list_fields', { object: 'account', mode: 'upsert' }));
    const { slowestMs, result } = await healthzDuring(postJson(`${server!.url}/hightouch/v1/rpc`, body, key));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ error: { code: -32013, data: { code: 'BATCH_TOO_LARGE', receivedCalls: 200 } } });
    expect(slowestMs).toBeLessThan(1000);
  });

  it('runs the largest batch allowed (20 such calls) to completion while /healthz keeps answering', async () => {
    // Not timed: this batch does real work (200,000 fields); docs/reliability.md reports the figures.
    const body = Array.from({ length: 20 }, (_, i) => call(i, 'list_fields', { object: 'account', mode: 'upsert' }));
    const { samples, result } = await healthzDuring(postJson(`${server!.url}/hightouch/v1/rpc`, body, key));
    expect(result.status).toBe(200);
    expect(result.body).toHaveLength(20);
    for (const answer of result.body) expect(answer.result.fields).toHaveLength(FIELDS + 13);
    expect(samples).toBeGreaterThan(0);
  });
});
