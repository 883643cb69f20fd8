import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { readGate } from '../../src/graphql/read-gate.ts';
import { suiteApp, type TestApp } from '../support/harness.ts';

// One workspace's slow queries cannot hold the database pool: at most
// MAX_CONCURRENT_READS_PER_WORKSPACE run at once, the next wait up to READ_QUEUE_TIMEOUT_MS and
// are then refused with 429 RATE_LIMITED (reason CONCURRENT_READS); other workspaces are not affected.

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'granted';
  } catch (error) {
    return (error as { extensions?: { reason?: string } }).extensions?.reason;
  }
};

describe('read gate (pure)', () => {
  it('grants up to the bound per workspace, queues the rest first come first served, refuses after the wait', async () => {
    const gate = readGate({ perWorkspace: 2, queueTimeoutMs: 50, maxQueued: 2 });
    const a1 = await gate.acquire('A');
    const a2 = await gate.acquire('A');
    const b1 = await gate.acquire('B');
    expect(gate.load('A')).toEqual({ active: 2, waiting: 0 });

    const order: string[] = [];
    const queue = (name: string) =>
      gate.acquire('A').then((release) => {
        order.push(name);
        return release;
      });
    const a3 = queue('a3');
    const a4 = queue('a4');
    expect(await codeOf(gate.acquire('A'))).toBe('CONCURRENT_READS'); // queue full: refused at once
    expect(gate.load('A')).toEqual({ active: 2, waiting: 2 });
    a1();
    a1(); // releasing twice frees one slot only
    const r3 = await a3;
    expect(order).toEqual(['a3']);
    expect(gate.load('A')).toEqual({ active: 2, waiting: 1 });
    // a4 waits longer than the timeout: refused, and its place is given up.
    expect(await codeOf(a4)).toBe('CONCURRENT_READS');
    expect(gate.load('A')).toEqual({ active: 2, waiting: 0 });
    a2();
    r3();
    b1();
    expect(gate.load('A')).toEqual({ active: 0, waiting: 0 });
    expect(gate.load('B')).toEqual({ active: 0, waiting: 0 });
  });
});

// A query that cannot finish: the test holds an exclusive lock on `accounts` in a transaction of
// its own. PostgreSQL only: on the embedded PGlite every statement shares one connection, so the
// other workspace's key lookup would wait too (and a pool cannot be held by one tenant anyway).
describe.runIf(process.env.DATABASE_URL)('per-workspace bound on concurrent queries (server)', () => {
  const t = suiteApp({ MAX_CONCURRENT_READS_PER_WORKSPACE: '1', READ_QUEUE_TIMEOUT_MS: '300' });

  it("queues then refuses a workspace's extra query while it holds its slot; others run", async () => {
    const other = await t.newWorkspace('other');
    let unlock!: () => void;
    const held = new Promise<void>((resolve) => {
      unlock = resolve;
    });
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = t.database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table accounts in access exclusive mode`);
      locked();
      await held;
    });
    await lockTaken;
    try {
      const slow = t.gql('{ accounts { totalCount } }');
      // Wait until the slow query holds A's only slot (an ordering aid, not a timing assertion).
      for (let i = 0; i < 100 && !(await activeQuery(t)); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      const queued = await t.gql('{ viewer { scopes } }');
      expect(queued.status).toBe(429);
      expect(queued.headers['retry-after']).toBe('1');
      expect(queued.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'CONCURRENT_READS', limit: 1 });
      expect(queued.errors?.[0]?.message).toMatch(/already runs 1 queries at once.*waited 300 ms/);
      // Another workspace's queries and A's mutations are not gated.
      expect((await t.gql('{ viewer { workspace { name } } }', {}, other.adminKey)).data?.viewer.workspace.name).toBe('other');
      expect((await t.gql('mutation { createApiKey(input: { name: "m", scopes: [READ] }) { secret } }')).status).toBe(200);
      unlock();
      expect((await slow).data?.accounts.totalCount).toBe(0);
    } finally {
      unlock();
      await holder;
    }
    // The slot is free again.
    expect((await t.gql('{ viewer { scopes } }')).status).toBe(200);
  });
});

/** Whether the server has a statement waiting on the test's lock. */
async function activeQuery(t: TestApp): Promise<boolean> {
  const url = (t.database as { url?: string }).url;
  if (!url) return false;
  const { default: postgres } = await import('postgres');
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await client<Array<{ n: number }>>`
      select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`;
    return (row?.n ?? 0) > 0;
  } finally {
    await client.end();
  }
}
