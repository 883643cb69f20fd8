import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { trackEvents, upsertRecords } from '../src/ingest/service.ts';
import { createWorkspace } from '../src/keys/service.ts';
import { parseArgs } from './args.ts';
import { makeEveryStandardWindow, prepareDatabase } from './database.ts';
import { batches, type EventRecord, generateAccounts, generateEvents, generateUsers, type UserRecord } from './generator.ts';
import { createScratchTables, openRawClient, rawStatement } from './raw.ts';
import { toGraphQLInput } from './records.ts';

/**
 * What ingestion would gain from folding the rollups in larger batches after the acknowledgement:
 * `npx tsx bench/fold-ceiling.ts [--events N …]` (PostgreSQL when DATABASE_URL is set). Loads half
 * the generated events through `trackEvents` (1,000 per call), makes every standard window
 * (`FOLD_WINDOWS=0`: none), then, round by round over the other half, times per 1,000 events on one
 * connection: 1,000-event calls, one call of `FOLD_CHUNK` events (20,000 by default: a fold's batch),
 * and the raw insert of the bench (1,000 per statement). Prints one figure per round.
 */
async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const target = await prepareDatabase(process.env.DATABASE_URL || undefined, options.pglite);
  const database = await openDatabase({ url: target.url, dataDir: target.pgliteDir });
  const raw = openRawClient(database, target.url, 1);
  try {
    await database.migrate();
    await createScratchTables(raw);
    const { workspace } = await createWorkspace(database.db, 'fold');
    const base = loadConfig({}).limits;
    const env = { db: database.db, workspaceId: workspace.id, limits: { ...base, maxBatchRecords: 100_000 } };
    const gen = { seed: options.seed, scale: options.scale, now: options.now, days: options.days };
    for (const [object, source] of [
      ['ACCOUNT', generateAccounts(gen)],
      ['USER', generateUsers(gen)],
    ] as const) {
      for (const batch of batches<Record<string, unknown>>(source, 1000))
        await upsertRecords(
          env,
          object,
          batch.map((r) => toGraphQLInput(object === 'ACCOUNT' ? 'account' : 'user', r as UserRecord)),
          'UPSERT',
        );
    }
    const all: EventRecord[] = [...generateEvents(gen)];
    const half = Math.floor(all.length / 2);
    for (let i = 0; i < half; i += 1000)
      await trackEvents(
        env,
        all.slice(i, i + 1000).map((r) => toGraphQLInput('event', r)),
      );
    if (process.env.FOLD_WINDOWS !== '0') await makeEveryStandardWindow(database, workspace.id, options.now);
    await database.db.execute(sql`analyze`);
    const chunk = Number(process.env.FOLD_CHUNK ?? 20000);
    const rest = all.slice(half);
    const perK = (ms: number, n: number) => ((ms / n) * 1000).toFixed(1);
    const results: Record<string, number[]> = { '1k calls': [], [`${chunk / 1000}k call`]: [], 'raw 1k statements': [] };
    let at = 0;
    while (at + 3 * chunk <= rest.length) {
      const a = rest.slice(at, at + chunk);
      const b = rest.slice(at + chunk, at + 2 * chunk);
      const c = rest.slice(at + 2 * chunk, at + 3 * chunk);
      at += 3 * chunk;
      let t = performance.now();
      for (let i = 0; i < a.length; i += 1000)
        await trackEvents(
          env,
          a.slice(i, i + 1000).map((r) => toGraphQLInput('event', r)),
        );
      results['1k calls']!.push(Number(perK(performance.now() - t, a.length)));
      t = performance.now();
      await trackEvents(
        env,
        b.map((r) => toGraphQLInput('event', r)),
      );
      results[`${chunk / 1000}k call`]!.push(Number(perK(performance.now() - t, b.length)));
      t = performance.now();
      for (let i = 0; i < c.length; i += 1000) {
        const s = rawStatement('event', workspace.id, c.slice(i, i + 1000));
        await raw.query(s.text, s.params);
      }
      results['raw 1k statements']!.push(Number(perK(performance.now() - t, c.length)));
    }
    process.stdout.write(`ms per 1,000 events, sequential, one connection (rounds: ${results['1k calls']!.length})\n`);
    for (const [label, values] of Object.entries(results)) process.stdout.write(`${label.padEnd(22)} ${values.join('  ')}\n`);
  } finally {
    await raw.close();
    await database.close();
    await target.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
