import { sql } from 'drizzle-orm';
import { foldStatistics } from '../catalog/statistics.ts';
import type { FoldService } from '../context.ts';
import type { Db } from '../db/client.ts';
import { guarded, inTransaction } from '../transaction.ts';
import type { RecordKind } from '../vocabulary.ts';
import { FOLD_CHUNK, foldEvents, unfoldedWork, workspacesWithUnfoldedWork } from './statements.ts';

// The fold: an ingest call stores what it received (events with their exactly-once key, accounts
// and users with their fields) and answers; everything derived from it — the rollups, totals,
// windows and counters of events (src/rollups/statements.ts), the catalog statistics of accounts
// and users (src/catalog/statistics.ts) — is applied afterwards, from the queues the call wrote in
// its transaction (`unfolded_events`, `field_changes`), by whichever comes first:
// - the background fold this process starts right after the call answers;
// - a read of the workspace (`catchUp`, before a GraphQL query runs): reads answer as if every
//   acknowledged record were folded, read-your-writes included;
// - an ingest call that finds more than `maxUnfoldedEvents` events waiting (backpressure: it folds
//   before it answers, so the tail a read may have to fold stays bounded);
// - the sweep, at start-up and every `sweepMs`: what another instance left when it stopped.
// A fold takes rows out of a queue and applies them in one transaction, under a per-workspace lock:
// a crash or two instances folding at once can neither skip nor double-count a row.

export interface FoldOptions {
  /** Events of a workspace waiting for the fold beyond which an ingest call folds before answering. */
  maxUnfoldedEvents: number;
  /** Distinct values counted exactly by the catalog statistics (CATALOG_EXACT_DISTINCT_VALUES). */
  exactDistinctValues: number;
  /** How often the sweep runs (ms); 0 = only when `sweep` is called. */
  sweepMs: number;
  /** A background fold failed (its rows stay queued for the next fold). */
  onError(error: unknown): void;
}

/** The fold of one process: what a request asks of it (`FoldService`), and the sweep and the stop. */
export interface Folder extends FoldService {
  /** Fold every workspace's waiting work. */
  sweep(): Promise<void>;
  /** Stop the sweep and wait for the background folds in flight. */
  stop(): Promise<void>;
}

/** The class of the event fold's advisory lock (two-key space; the statistics use 7_001). */
const EVENT_FOLD_LOCK_CLASS = 7_002;

/**
 * Fold one chunk of the workspace's events in a transaction of its own: the workspace's event-fold
 * lock first (folds of a workspace take turns, so their upserts never wait on each other's rows),
 * then the attribution lock shared (a link change or a purge is never half-seen). Returns how many
 * events it folded.
 */
async function foldEventChunk(db: Db, workspaceId: string): Promise<number> {
  return inTransaction(db, async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(${EVENT_FOLD_LOCK_CLASS}::int, hashtext(${workspaceId})), pg_advisory_xact_lock_shared(hashtext(${workspaceId}))`,
    );
    return foldEvents(tx, workspaceId);
  });
}

/** Fold the workspace's events until the queue is empty (as of the last chunk). */
export async function foldAllEvents(db: Db, workspaceId: string): Promise<void> {
  while ((await foldEventChunk(db, workspaceId)) >= FOLD_CHUNK);
}

/** Fold the queued record changes of one object into the catalog statistics. */
async function foldRecords(db: Db, workspaceId: string, object: RecordKind, exactDistinctValues: number): Promise<void> {
  await inTransaction(db, (tx) => foldStatistics(tx, object, workspaceId, exactDistinctValues));
}

export function createFolder(db: Db, options: FoldOptions): Folder {
  /** Everything waiting, folded: one probe when nothing is. */
  const foldWorkspace = async (workspaceId: string): Promise<void> => {
    const work = await guarded(unfoldedWork(db, workspaceId));
    if (work.events) await foldAllEvents(db, workspaceId);
    for (const object of work.records) await foldRecords(db, workspaceId, object, options.exactDistinctValues);
  };

  // Background folds: at most one per workspace in this process; a call arriving while it runs
  // makes it run once more, so nothing stored before the call is left waiting for the sweep.
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let stopped = false;
  const schedule = (workspaceId: string): Promise<void> => {
    const current = running.get(workspaceId);
    if (current) {
      again.add(workspaceId);
      return current;
    }
    const run = (async () => {
      do {
        again.delete(workspaceId);
        await foldWorkspace(workspaceId);
      } while (again.has(workspaceId) && !stopped);
    })()
      .catch(options.onError)
      .finally(() => running.delete(workspaceId));
    running.set(workspaceId, run);
    return run;
  };

  let sweeping: Promise<void> | null = null;
  const sweep = (): Promise<void> => {
    sweeping ??= (async () => {
      const workspaces = await guarded(workspacesWithUnfoldedWork(db));
      await Promise.all(workspaces.map(schedule));
    })()
      .catch(options.onError)
      .finally(() => {
        sweeping = null;
      });
    return sweeping;
  };
  const timer = options.sweepMs > 0 ? setInterval(() => void sweep(), options.sweepMs) : null;
  timer?.unref();

  return {
    async eventsStored(workspaceId, unfolded) {
      if (unfolded >= options.maxUnfoldedEvents) await foldAllEvents(db, workspaceId);
      else if (!stopped) void schedule(workspaceId);
    },
    recordsChanged(workspaceId) {
      if (!stopped) void schedule(workspaceId);
    },
    catchUp: foldWorkspace,
    sweep,
    async idle() {
      while (sweeping || running.size > 0) await Promise.all([sweeping, ...running.values()]);
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await sweeping;
      await Promise.all(running.values());
    },
  };
}
