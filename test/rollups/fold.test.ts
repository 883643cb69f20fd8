import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type Database, openDatabase, rows } from '../../src/db/client.ts';
import { appendEvents } from '../../src/ingest/queries.ts';
import type { EventRecord } from '../../src/ingest/records.ts';
import { deleteRecords, type IngestEnv, trackEvents, upsertRecords } from '../../src/ingest/service.ts';
import { createFolder, type Folder, foldAllEvents } from '../../src/rollups/fold.ts';
import { recountRollups } from '../../src/rollups/recount.ts';
import { foldEvents } from '../../src/rollups/statements.ts';
import { TRACK } from '../ingest/fragments.ts';
import { createTestApp, daysBefore, type TestApp } from '../support/harness.ts';

// The fold (src/rollups): an ingest call stores and queues; the derived tables follow. Whatever
// is folded or not yet, a read answers as if everything acknowledged were folded, and once folded
// every derived table equals its recount from the raw events.

const onPostgres = Boolean(process.env.DATABASE_URL);
const limits = loadConfig({}).limits;

/** A folder that folds nothing: the calls acknowledge, the tail stays unfolded until a read or a test folds it. */
const acknowledgeOnly: Folder = {
  eventsStored: async () => {},
  recordsChanged: () => {},
  catchUp: async () => {},
  sweep: async () => {},
  idle: async () => {},
  stop: async () => {},
};

const folderOn = (database: Database, maxUnfoldedEvents = limits.maxUnfoldedEvents) =>
  createFolder(database.db, {
    maxUnfoldedEvents,
    exactDistinctValues: limits.exactDistinctValues,
    sweepMs: 0,
    onError: (error) => {
      throw error;
    },
  });

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const envOf = (workspaceId: string, folder: Folder = acknowledgeOnly, database: Database = t.database): IngestEnv => ({
  db: database.db,
  workspaceId,
  limits,
  folder,
  now: new Date('2026-12-01T12:00:00Z'),
});

let sequence = 0;
/** `n` sign-ins of `userId` (each with an amount), optionally naming an account. */
const signIns = (userId: string, n: number, accountId?: string) =>
  Array.from({ length: n }, (_, i) => ({
    eventId: `e-${++sequence}`,
    name: i % 3 === 0 ? 'Report Exported' : 'Signed In',
    timestamp: new Date(Date.UTC(2026, 10, 1 + (i % 20), 9, i)).toISOString(),
    userId,
    ...(accountId ? { accountId } : {}),
    properties: { amount: i + 0.5 },
  }));

const unfolded = async (workspaceId: string) =>
  (await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from unfolded_events where workspace_id = ${workspaceId}`))[0]!.n;

/** Every derived table equals its recount. */
async function expectRecounted(database: Database, workspaceId: string) {
  const recount = await recountRollups(database.db, workspaceId);
  for (const [table, { maintained, recounted }] of Object.entries(recount)) {
    expect({ table, rows: maintained }).toEqual({ table, rows: recounted });
  }
}

const READ = `query($account: ID!) {
  metrics(kind: COUNT) { name eventCount uniqueUsers uniqueAccounts }
  account(id: $account) { signIns: metric(metric: { event: "Signed In" }) }
}`;

describe('the fold', () => {
  it('a read answers as if every acknowledged event were folded, and folds the tail', async () => {
    const { workspaceId, adminKey } = await t.newWorkspace('tail read');
    const env = envOf(workspaceId);
    await upsertRecords(env, 'ACCOUNT', [{ id: 'acme', name: 'Acme' }], 'UPSERT');
    await upsertRecords(
      env,
      'USER',
      [
        { id: 'u1', email: 'u1@acme.com', accountId: 'acme' },
        { id: 'u2', email: 'u2@acme.com' },
      ],
      'UPSERT',
    );
    const stored = await trackEvents(env, [...signIns('u1', 12), ...signIns('u2', 6, 'acme'), ...signIns('u2', 3)]);
    expect(stored.created).toBe(21);
    expect(await unfolded(workspaceId)).toBe(21);

    const res = await t.gql(READ, { account: 'acme' }, adminKey);
    expect(res.errors).toBeUndefined();
    expect(res.data!.metrics).toEqual([
      { name: 'Report Exported', eventCount: 4 + 2 + 1, uniqueUsers: 2, uniqueAccounts: 1 },
      { name: 'Signed In', eventCount: 8 + 4 + 2, uniqueUsers: 2, uniqueAccounts: 1 },
    ]);
    expect(res.data!.account.signIns).toBe(8 + 4);
    expect(await unfolded(workspaceId)).toBe(0);
    await expectRecounted(t.database, workspaceId);
  });

  it('link changes and purges made while events wait for the fold stay exact', async () => {
    const { workspaceId } = await t.newWorkspace('tail links');
    const env = envOf(workspaceId);
    await upsertRecords(
      env,
      'ACCOUNT',
      [
        { id: 'a1', name: 'A1' },
        { id: 'a2', name: 'A2' },
      ],
      'UPSERT',
    );
    await trackEvents(env, [...signIns('u3', 5), ...signIns('u4', 4, 'a2'), ...signIns('u5', 3)]);
    // Half folded: the next link change moves folded rollups and leaves the rest to the fold.
    await envOfFolded(workspaceId);
    await trackEvents(env, [...signIns('u3', 4), ...signIns('u4', 2)]);
    await upsertRecords(
      env,
      'USER',
      [
        { id: 'u3', email: 'u3@a.com', accountId: 'a1' },
        { id: 'u4', email: 'u4@a.com' },
        { id: 'u5', email: 'u5@a.com', accountId: 'a2' },
      ],
      'UPSERT',
    );
    await trackEvents(env, signIns('u3', 3));
    expect((await deleteRecords(env, 'USER', ['u4'], true)).deleted).toBe(1);
    await upsertRecords(env, 'USER', [{ id: 'u5', accountId: 'a1' }], 'UPDATE_ONLY');
    expect(await unfolded(workspaceId)).toBeGreaterThan(0);
    await folderOn(t.database).catchUp(workspaceId);
    expect(await unfolded(workspaceId)).toBe(0);
    await expectRecounted(t.database, workspaceId);
  });

  it('a fold that fails takes nothing: its events are folded once by the next', async () => {
    const { workspaceId } = await t.newWorkspace('failed fold');
    await trackEvents(envOf(workspaceId), signIns('u6', 9));
    await expect(
      t.database.db.transaction(async (tx) => {
        expect(await foldEvents(tx, workspaceId)).toBe(9);
        throw new Error('killed mid-fold');
      }),
    ).rejects.toThrow('killed mid-fold');
    expect(await unfolded(workspaceId)).toBe(9);
    await folderOn(t.database).catchUp(workspaceId);
    await folderOn(t.database).catchUp(workspaceId);
    await expectRecounted(t.database, workspaceId);
    expect(await recountRollups(t.database.db, workspaceId).then((r) => r.event_names.maintained)).toEqual([
      'Report Exported|3',
      'Signed In|6',
    ]);
  });

  it('an ingest call that finds the tail at its bound answers once the fold has brought it under (backpressure)', async () => {
    const { workspaceId } = await t.newWorkspace('backpressure');
    const bounded = folderOn(t.database, 10);
    await trackEvents(envOf(workspaceId), signIns('u7', 8));
    expect(await unfolded(workspaceId)).toBe(8);
    const outcome = await trackEvents(envOf(workspaceId, bounded), signIns('u7', 5));
    expect(outcome.created).toBe(5);
    expect(await unfolded(workspaceId)).toBeLessThan(10);
    await bounded.idle();
    await expectRecounted(t.database, workspaceId);
  });

  it('counts the calls it held in /metrics (ingest_backpressure_seconds)', async () => {
    const app = await createTestApp({ MAX_UNFOLDED_EVENTS: '3' });
    try {
      const events = (n: number) => Array.from({ length: n }, (_, i) => ({ name: 'Held', timestamp: daysBefore(i), userId: 'held' }));
      // Four events queued by one call reach the bound of three: that call is held until they are folded.
      expect((await app.gql(TRACK, { records: events(4) })).data?.trackEvents.created).toBe(4);
      expect((await app.gql(TRACK, { records: events(1).map((e) => ({ ...e, name: 'Not held' })) })).data?.trackEvents.created).toBe(1);
      const metrics = (await app.server.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/^ingest_backpressure_seconds_count 1$/m);
    } finally {
      await app.close();
    }
  });

  it('a read folds what was acknowledged before it, not what is queued after', async () => {
    const { workspaceId } = await t.newWorkspace('bounded catch-up');
    await trackEvents(envOf(workspaceId), signIns('u10', 6));
    const [{ last }] = (await rows<{ last: number }>(
      t.database.db,
      sql`select max(seq)::float8 as last from unfolded_events where workspace_id = ${workspaceId}`,
    )) as [{ last: number }];
    await trackEvents(envOf(workspaceId), signIns('u10', 4));
    await foldAllEvents(t.database.db, workspaceId, last);
    expect(await unfolded(workspaceId)).toBe(4);
  });

  it('the sweep folds every workspace that has work waiting', async () => {
    const a = await t.newWorkspace('sweep a');
    const b = await t.newWorkspace('sweep b');
    await trackEvents(envOf(a.workspaceId), signIns('u8', 4));
    await upsertRecords(envOf(b.workspaceId), 'ACCOUNT', [{ id: 'b1', name: 'B1' }], 'UPSERT');
    await trackEvents(envOf(b.workspaceId), signIns('u9', 3, 'b1'));
    await folderOn(t.database).sweep();
    expect(await unfolded(a.workspaceId)).toBe(0);
    expect(await unfolded(b.workspaceId)).toBe(0);
    expect(await rows(t.database.db, sql`select 1 from field_changes where workspace_id = ${b.workspaceId}`)).toEqual([]);
    await expectRecounted(t.database, a.workspaceId);
    await expectRecounted(t.database, b.workspaceId);
  });

  it('vacuums the queues once enough rows were folded, so picks and probes do not step over folded rows', async () => {
    const vacuums = async () =>
      (
        await rows<{ n: number }>(
          t.database.db,
          sql`select coalesce(sum(vacuum_count), 0)::int as n from pg_stat_all_tables where relname in ('unfolded_events', 'field_changes')`,
        )
      )[0]!.n;
    const before = await vacuums();
    const { workspaceId } = await t.newWorkspace('vacuum');
    const folder = createFolder(t.database.db, {
      maxUnfoldedEvents: limits.maxUnfoldedEvents,
      exactDistinctValues: limits.exactDistinctValues,
      sweepMs: 0,
      vacuumEveryRows: 10,
      onError: (error) => {
        throw error;
      },
    });
    await trackEvents(envOf(workspaceId), signIns('u10', 6));
    await folder.catchUp(workspaceId);
    await folder.idle();
    // 6 folded rows: not yet.
    expect(await vacuums()).toBe(before);
    await trackEvents(envOf(workspaceId), signIns('u10', 6));
    await folder.catchUp(workspaceId);
    await folder.idle();
    // Both queues (the statistics are counted when the transaction that ran the vacuum ends).
    await expect.poll(vacuums).toBeGreaterThanOrEqual(before + 2);
    expect(await unfolded(workspaceId)).toBe(0);
    await expectRecounted(t.database, workspaceId);
  });
});

/** Fold what the workspace has waiting now. */
async function envOfFolded(workspaceId: string) {
  await folderOn(t.database).catchUp(workspaceId);
}

describe.runIf(onPostgres)('the fold under concurrency (PostgreSQL)', () => {
  /** A second pool on the same database: another instance. */
  let other: Database;
  beforeAll(async () => {
    other = await openDatabase({ url: (t.database as Database & { url?: string }).url, maxConnections: 4 });
  });
  afterAll(async () => {
    await other?.close();
  });

  const record = (userId: string, i: number): EventRecord => ({
    dedupKey: `id:stalled-${userId}-${i}`,
    eventId: `stalled-${userId}-${i}`,
    name: 'Signed In',
    timestamp: new Date(Date.UTC(2026, 10, 2, 10, i)),
    userId,
    accountId: null,
    properties: {},
    observed: new Map(),
  });

  it('a writer that commits after a later writer and its fold is folded later, never skipped', async () => {
    const { workspaceId } = await t.newWorkspace('stalled writer');
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let appendedEarly!: () => void;
    const early = new Promise<void>((resolve) => {
      appendedEarly = resolve;
    });
    // The stalled writer queues its events first (its rows take the earlier sequence numbers) and commits last.
    const stalled = other.db.transaction(async (tx) => {
      await appendEvents(tx, workspaceId, [record('slow', 1), record('slow', 2), record('slow', 3)], 100);
      appendedEarly();
      await held;
    });
    await early;
    await trackEvents(envOf(workspaceId), signIns('fast', 4));
    await folderOn(t.database).catchUp(workspaceId);
    expect(await unfolded(workspaceId)).toBe(0);
    release();
    await stalled;
    expect(await unfolded(workspaceId)).toBe(3);
    await folderOn(t.database).catchUp(workspaceId);
    await expectRecounted(t.database, workspaceId);
    const names = (await recountRollups(t.database.db, workspaceId)).event_names.maintained;
    expect(names).toEqual(['Report Exported|2', 'Signed In|5']);
  });

  it('two instances acknowledging and folding at once neither skip nor double-count an event', async () => {
    const { workspaceId } = await t.newWorkspace('racing folders');
    const here = folderOn(t.database);
    const there = folderOn(other);
    const env = envOf(workspaceId);
    await upsertRecords(env, 'ACCOUNT', [{ id: 'r1', name: 'R1' }], 'UPSERT');
    const rounds = Array.from({ length: 8 }, async (_, round) => {
      await trackEvents(envOf(workspaceId, here), signIns(`h${round % 3}`, 25, round % 2 ? 'r1' : undefined));
      await trackEvents(envOf(workspaceId, there, other), signIns(`o${round % 3}`, 25));
      if (round === 3)
        await upsertRecords(envOf(workspaceId, there, other), 'USER', [{ id: 'o0', email: 'o0@r.com', accountId: 'r1' }], 'UPSERT');
      await Promise.all([here.catchUp(workspaceId), there.catchUp(workspaceId)]);
    });
    await Promise.all(rounds);
    await Promise.all([here.idle(), there.idle()]);
    await here.catchUp(workspaceId);
    expect(await unfolded(workspaceId)).toBe(0);
    await expectRecounted(t.database, workspaceId);
    const total = (await recountRollups(t.database.db, workspaceId)).event_names.maintained
      .map((line) => Number(line.split('|')[1]))
      .reduce((a, b) => a + b, 0);
    expect(total).toBe(8 * 50);
  });
});

describe('exactness under any interleaving (property)', () => {
  /** A second pool on PostgreSQL (another instance); on PGlite, its one connection again. */
  let other: Database;
  beforeAll(async () => {
    other = onPostgres ? await openDatabase({ url: (t.database as Database & { url?: string }).url, maxConnections: 4 }) : t.database;
  });
  afterAll(async () => {
    if (onPostgres) await other?.close();
  });

  const users = ['p1', 'p2', 'p3'];
  const accounts = ['q1', 'q2'];
  const event = fc.record({
    user: fc.constantFrom(...users),
    account: fc.option(fc.constantFrom(...accounts), { nil: undefined }),
    day: fc.integer({ min: 0, max: 30 }),
    name: fc.constantFrom('Signed In', 'Report Exported'),
    // A replay of an earlier event (same id) is DUPLICATE: counted once.
    id: fc.option(fc.constantFrom('r1', 'r2', 'r3'), { nil: undefined }),
  });
  const step = fc.oneof(
    // Acknowledged by one instance or the other, with or without a fold running at the same time.
    fc.record({
      op: fc.constant('track' as const),
      events: fc.array(event, { minLength: 1, maxLength: 5 }),
      there: fc.boolean(),
      folding: fc.boolean(),
    }),
    // A fold of part of the queue: the events up to a point of its sequence.
    fc.record({ op: fc.constant('fold' as const), part: fc.double({ min: 0, max: 1, noNaN: true }) }),
    // Both instances fold at once.
    fc.record({ op: fc.constant('race' as const) }),
    // A read through the server: answers as if everything acknowledged were folded.
    fc.record({ op: fc.constant('read' as const) }),
    fc.record({
      op: fc.constant('link' as const),
      user: fc.constantFrom(...users),
      account: fc.option(fc.constantFrom(...accounts), { nil: null }),
    }),
    fc.record({ op: fc.constant('deleteUser' as const), user: fc.constantFrom(...users), purge: fc.boolean() }),
    fc.record({ op: fc.constant('deleteAccount' as const), account: fc.constantFrom(...accounts), purge: fc.boolean() }),
  );

  /** Events per name in the raw table: what every read must answer, folded or not. */
  const rawCounts = async (workspaceId: string) =>
    rows<{ name: string; eventCount: number }>(
      t.database.db,
      sql`select name, count(*)::int as "eventCount" from events where workspace_id = ${workspaceId} group by name order by name`,
    );

  it('acknowledgements, partial folds, racing folds, reads, link changes, deletions and purges: every read exact, every table its recount', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const { workspaceId, adminKey } = await t.newWorkspace(`interleavings ${++run}`);
        const here = folderOn(t.database);
        const there = folderOn(other);
        await upsertRecords(
          envOf(workspaceId),
          'ACCOUNT',
          accounts.map((id) => ({ id, name: id })),
          'UPSERT',
        );
        let n = 0;
        for (const s of steps) {
          switch (s.op) {
            case 'track': {
              const records = s.events.map((e) => ({
                ...(e.id ? { eventId: e.id } : { eventId: `e${run}-${++n}` }),
                name: e.name,
                timestamp: daysBefore(e.day),
                userId: e.user,
                ...(e.account ? { accountId: e.account } : {}),
              }));
              const env = s.there ? envOf(workspaceId, acknowledgeOnly, other) : envOf(workspaceId);
              await Promise.all([trackEvents(env, records), s.folding ? (s.there ? here : there).catchUp(workspaceId) : null]);
              break;
            }
            case 'fold': {
              const [range] = await rows<{ low: number | null; high: number | null }>(
                t.database.db,
                sql`select min(seq)::float8 as low, max(seq)::float8 as high from unfolded_events where workspace_id = ${workspaceId}`,
              );
              if (range?.low != null && range.high != null)
                await foldAllEvents(t.database.db, workspaceId, Math.floor(range.low + s.part * (range.high - range.low)));
              break;
            }
            case 'race':
              await Promise.all([here.catchUp(workspaceId), there.catchUp(workspaceId)]);
              break;
            case 'read': {
              const res = await t.gql(`{ metrics(kind: COUNT) { name eventCount } }`, {}, adminKey);
              expect(res.errors).toBeUndefined();
              // Every name with events, with its count; a name whose events were all purged stays
              // in the catalog (with its first and last seen) at 0.
              const listed = (res.data!.metrics as Array<{ name: string; eventCount: number }>).map((m) => [m.name, m.eventCount]);
              const raw = (await rawCounts(workspaceId)).map((r) => [r.name, r.eventCount]);
              expect(Object.fromEntries(listed)).toEqual({
                ...Object.fromEntries(listed.map(([name]) => [name, 0])),
                ...Object.fromEntries(raw),
              });
              await expectRecounted(t.database, workspaceId);
              break;
            }
            case 'link':
              await upsertRecords(envOf(workspaceId), 'USER', [{ id: s.user, email: `${s.user}@x.com`, accountId: s.account }], 'UPSERT');
              break;
            case 'deleteUser':
              await deleteRecords(envOf(workspaceId), 'USER', [s.user], s.purge);
              break;
            case 'deleteAccount':
              await deleteRecords(envOf(workspaceId), 'ACCOUNT', [s.account], s.purge);
              break;
          }
        }
        await Promise.all([here.idle(), there.idle()]);
        await here.catchUp(workspaceId);
        expect(await unfolded(workspaceId)).toBe(0);
        await expectRecounted(t.database, workspaceId);
      }),
      { numRuns: 100 },
    );
  });
});
