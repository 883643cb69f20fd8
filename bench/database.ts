import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { type Database, rows } from '../src/db/client.ts';
import { addDays, dayOf } from '../src/insights/time.ts';
import { ensureWindow, eventWindow, STANDARD_WINDOW_DAYS } from '../src/insights/windows.ts';

/**
 * Where a run's data lives: a brand-new PostgreSQL database next to DATABASE_URL's (dropped at
 * the end), or a PGlite temp directory (removed at the end) or PGlite's memory.
 */
export interface BenchDatabase {
  backend: 'postgres' | 'pglite';
  url?: string;
  pgliteDir?: string;
  /** Remove what the run created. Safe to call twice. */
  drop(): Promise<void>;
}

export async function prepareDatabase(baseUrl: string | undefined, pglite: 'dir' | 'memory'): Promise<BenchDatabase> {
  if (!baseUrl) {
    if (pglite === 'memory') return { backend: 'pglite', drop: async () => {} };
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-pglite-'));
    return { backend: 'pglite', pgliteDir: dir, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const name = `bench_${new Date().toISOString().slice(0, 10).replaceAll('-', '')}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    backend: 'postgres',
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      // Kept for EXPLAIN after the run (drop it by hand): BENCH_KEEP_DATABASE=1.
      if (process.env.BENCH_KEEP_DATABASE === '1') {
        console.error(`bench: kept database ${name}`);
        return;
      }
      const cleanup = postgres(baseUrl, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end({ timeout: 5 });
      }
    },
  };
}

/**
 * Steady state of a workspace whose rankings are in use: every standard window (7, 30 and 90 days
 * ending on `now`'s day) of every event name exists for accounts and users, so new events also
 * update the windows' totals. Returns how many windows that is.
 */
export async function makeEveryStandardWindow(database: Database, workspaceId: string, now: Date): Promise<number> {
  const names = await rows<{ name: string }>(
    database.db,
    sql`select distinct name from event_name_counters where workspace_id = ${workspaceId}`,
  );
  const today = dayOf(now);
  for (const { name } of names)
    for (const object of ['ACCOUNT', 'USER'] as const)
      for (const n of STANDARD_WINDOW_DAYS)
        await ensureWindow(
          database,
          workspaceId,
          object,
          eventWindow(name),
          { firstDay: addDays(today, -(n - 1)), lastDay: today },
          addDays(today, 1),
          now,
        );
  return names.length * 2 * STANDARD_WINDOW_DAYS.length;
}
