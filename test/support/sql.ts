import { type SQL, sql } from 'drizzle-orm';
import { rows } from '../../src/db/client.ts';
import type { TestApp } from './harness.ts';

/** Read the stored state directly, to check what a call really wrote. */
export function query<T = Record<string, any>>(t: TestApp, statement: SQL): Promise<T[]> {
  return rows<T>(t.database.db, statement);
}

export { sql };
