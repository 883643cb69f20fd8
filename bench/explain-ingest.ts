import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.ts';
import { type Db, openDatabase } from '../src/db/client.ts';
import { trackEvents, upsertRecords } from '../src/ingest/service.ts';
import { createWorkspace } from '../src/keys/service.ts';
import { createFolder, foldAllEvents } from '../src/rollups/fold.ts';
import { ArgsError, parseArgs, USAGE } from './args.ts';
import { makeEveryStandardWindow, prepareDatabase } from './database.ts';
import { batches, type EventRecord, generateAccounts, generateEvents, generateUsers, type UserRecord } from './generator.ts';
import { Progress } from './progress.ts';
import { toGraphQLInput } from './records.ts';

/**
 * Where an ingestion call spends its database time: `npx tsx bench/explain-ingest.ts [--events N …]`.
 * Loads a dataset through the ingestion service (no HTTP: it only sets the scene), then runs one
 * more 1,000-event `trackEvents` and one 1,000-user `upsertUsers` inside transactions that are
 * rolled back (and one of 1,000 new users), printing each statement with the time until the next one, and the
 * `EXPLAIN (ANALYZE, BUFFERS)` of each write statement (also rolled back: nothing changes).
 * Same scale options as `npm run bench`; PostgreSQL when DATABASE_URL is set, else PGlite.
 * `EXPLAIN_WINDOWS=1`: first create every maintained window (7/30/90 days, accounts and users, each
 * event name), to measure what maintaining them adds to an event batch. `EXPLAIN_AUTO=1` (PostgreSQL,
 * superuser): also log every statement's `EXPLAIN ANALYZE` with the call's own rows through
 * `auto_explain`, into the server's log.
 */

interface Captured {
  at: number;
  sql: string;
  params: unknown[];
}

class Rollback extends Error {}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`explain-ingest: EXPLAIN ANALYZE of one event batch and one user batch.\n\n${USAGE}`);
    return;
  }
  const target = await prepareDatabase(process.env.DATABASE_URL || undefined, options.pglite);
  const database = await openDatabase({ url: target.url, dataDir: target.pgliteDir });
  const progress = new Progress();
  try {
    await database.migrate();
    const { workspace } = await createWorkspace(database.db, 'explain');
    const limits = loadConfig({}).limits;
    // Loading folds every call before the next (a bound of 1); the explained calls leave their fold
    // to the entry that explains it.
    const folder = createFolder(database.db, {
      maxUnfoldedEvents: 1,
      exactDistinctValues: limits.exactDistinctValues,
      sweepMs: 0,
      onError: (error) => {
        throw error;
      },
    });
    const env = { db: database.db, workspaceId: workspace.id, limits, folder, now: new Date() };
    const acknowledgeOnly = { ...folder, eventsStored: async () => {}, recordsChanged: () => {} };
    const gen = { seed: options.seed, scale: options.scale, now: options.now, days: options.days };
    for (const [object, source, total] of [
      ['ACCOUNT', generateAccounts(gen), options.scale.accounts],
      ['USER', generateUsers(gen), options.scale.users],
    ] as const) {
      progress.start(object.toLowerCase(), total);
      let done = 0;
      for (const batch of batches<Record<string, unknown>>(source, 1000)) {
        await upsertRecords(
          env,
          object,
          batch.map((r) => toGraphQLInput(object === 'ACCOUNT' ? 'account' : 'user', r as UserRecord)),
          'UPSERT',
        );
        done += batch.length;
        progress.update(done);
      }
    }
    progress.start('events', options.scale.events);
    let loaded = 0;
    let last: EventRecord[] = [];
    for (const batch of batches(generateEvents(gen), 1000)) {
      await trackEvents(
        env,
        batch.map((r) => toGraphQLInput('event', r)),
      );
      loaded += batch.length;
      progress.update(loaded);
      last = batch;
    }
    progress.finish();
    if (process.env.EXPLAIN_WINDOWS === '1') {
      process.stdout.write(`(with ${await makeEveryStandardWindow(database, workspace.id, options.now)} maintained windows)\n`);
    }
    await database.db.execute('analyze' as never);

    // Every statement goes through drizzle's logger (see openDatabase); wrap it to capture them.
    const captured: Captured[] = [];
    const logger = (database.db as unknown as { session: { logger: { logQuery(sql: string, params: unknown[]): void } } }).session.logger;
    const original = logger.logQuery.bind(logger);
    logger.logQuery = (sql, params) => {
      captured.push({ at: performance.now(), sql, params: [...params] });
      original(sql, params);
    };

    // Fresh events shaped like the last batch (new IDs, so they are inserted, not duplicates) and
    // the same users again with one changed custom field (the UPDATED path).
    const events = last.map((e) => toGraphQLInput('event', { ...e, event_id: `${e.event_id}-x` }));
    const users = [...generateUsers({ ...gen, scale: { ...gen.scale, users: Math.min(1000, gen.scale.users) } })].map((u) =>
      toGraphQLInput('user', { ...u, department: 'Explained' }),
    );
    // And new users (new IDs and e-mails, the same other fields): the CREATED path of a first load.
    const newUsers = [...generateUsers({ ...gen, scale: { ...gen.scale, users: Math.min(1000, gen.scale.users) } })].map((u) =>
      toGraphQLInput('user', { ...u, user_id: `${u.user_id}-new`, email: `new.${u.email}` }),
    );
    for (const [label, call] of [
      [`trackEvents(${events.length} events), acknowledgement`, (db: Db) => trackEvents({ ...env, db, folder: acknowledgeOnly }, events)],
      [
        `trackEvents(${events.length} events), acknowledgement and fold`,
        (db: Db) => trackEvents({ ...env, db, folder: acknowledgeOnly }, events).then(() => foldAllEvents(db, workspace.id)),
      ],
      [
        `upsertUsers(${users.length} users, all updated)`,
        (db: Db) => upsertRecords({ ...env, db, folder: acknowledgeOnly }, 'USER', users, 'UPSERT'),
      ],
      [
        `upsertUsers(${newUsers.length} users, all new)`,
        (db: Db) => upsertRecords({ ...env, db, folder: acknowledgeOnly }, 'USER', newUsers, 'UPSERT'),
      ],
    ] as const) {
      captured.splice(0);
      const started = performance.now();
      let ended = started;
      await database.db
        .transaction(async (tx) => {
          if (process.env.EXPLAIN_AUTO === '1' && database.kind === 'postgres') {
            // The plans with the rows the call itself wrote, in PostgreSQL's log (superuser only).
            await tx.execute(sql`load 'auto_explain'`);
            await tx.execute(sql`set local auto_explain.log_min_duration = 0`);
            await tx.execute(sql`set local auto_explain.log_analyze = on`);
            await tx.execute(sql`set local auto_explain.log_buffers = on`);
            captured.splice(0);
          }
          await call(tx as unknown as Db);
          ended = performance.now();
          throw new Rollback();
        })
        .catch((error: unknown) => {
          if (!(error instanceof Rollback)) throw error;
        });
      const statements = captured.splice(0);
      process.stdout.write(`\n## ${label}: ${(ended - started).toFixed(1)} ms, ${statements.length} statements\n\n`);
      statements.forEach((s, i) => {
        const next = statements[i + 1]?.at ?? ended;
        process.stdout.write(`- ${(next - s.at).toFixed(1).padStart(7)} ms  ${s.sql.replace(/\s+/g, ' ').trim().slice(0, 110)}\n`);
      });
      for (const s of statements.filter((x) => /\b(insert|update|delete)\b/i.test(x.sql) && !/^\s*select pg_advisory/i.test(x.sql))) {
        const plan = await explainRolledBack(database.db, database.kind, s);
        process.stdout.write(`\n\`\`\`\n${s.sql.replace(/\s+/g, ' ').trim().slice(0, 160)}…\n\n${plan}\n\`\`\`\n`);
      }
    }
  } finally {
    progress.finish();
    await database.close();
    await target.drop();
  }
}

/** EXPLAIN (ANALYZE, BUFFERS) of a write statement, in a transaction that is rolled back. */
async function explainRolledBack(db: Db, kind: 'postgres' | 'pglite', statement: Captured): Promise<string> {
  const client = (db as unknown as { $client: unknown }).$client;
  const text = `explain (analyze, buffers, format text) ${statement.sql}`;
  let lines: Array<Record<string, string>> = [];
  if (kind === 'pglite') {
    const pglite = client as {
      transaction<T>(
        fn: (tx: {
          query(t: string, p: unknown[]): Promise<{ rows: Array<Record<string, string>> }>;
          rollback(): Promise<void>;
        }) => Promise<T>,
      ): Promise<T>;
    };
    await pglite.transaction(async (tx) => {
      lines = (await tx.query(text, statement.params)).rows;
      await tx.rollback();
    });
  } else {
    const sql = client as {
      begin<T>(fn: (c: { unsafe(t: string, p: unknown[]): Promise<Array<Record<string, string>>> }) => Promise<T>): Promise<T>;
    };
    await sql
      .begin(async (c) => {
        lines = await c.unsafe(text, statement.params);
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
  }
  return lines.map((line) => line['QUERY PLAN']).join('\n');
}

main().catch((error: unknown) => {
  if (error instanceof ArgsError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`explain-ingest failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
