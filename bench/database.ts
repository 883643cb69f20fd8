import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

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
