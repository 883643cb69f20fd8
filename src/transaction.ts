import type { Db, Tx } from './db/client.ts';
import { rethrowFault, serviceUnavailable } from './errors.ts';

/** Deadlocks and serialization failures: the work is run again, up to three times in all. */
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Run `work` in one transaction. Deadlocks and serialization failures are retried; a database that
 * cannot be reached becomes SERVICE_UNAVAILABLE (nothing of the work is stored).
 */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      const code = (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;
      if (code && RETRYABLE.has(code)) {
        if (attempt < 3) continue;
        throw serviceUnavailable();
      }
      rethrowFault(error);
    }
  }
}

/** A statement outside a write transaction: an unreachable database is still SERVICE_UNAVAILABLE. */
export async function guarded<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    rethrowFault(error);
  }
}
