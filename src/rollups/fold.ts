import { sql } from 'drizzle-orm';
import { foldStatistics } from '../catalog/statistics.ts';
import type { FoldService } from '../context.ts';
import type { Db } from '../db/client.ts';
import { serviceUnavailable } from '../errors.ts';
import { guarded, inTransaction } from '../transaction.ts';
import type { RecordKind } from '../vocabulary.ts';
import { countUnfolded, FOLD_CHUNK, foldEvents, settleUpTo, unfoldedWork, vacuumQueues, workspacesWithUnfoldedWork } from './statements.ts';

// The fold: an ingest call stores what it received (events with their exactly-once key, accounts
// and users with their fields) and answers; everything derived from it — the rollups, totals,
// windows and counters of events (src/rollups/statements.ts), the catalog statistics of accounts
// and users (src/catalog/statistics.ts) — is applied afterwards, from the queues the call wrote in
// its transaction (`unfolded_events`, `field_changes`), by whichever comes first:
// - the background fold this process starts right after the call answers;
// - a read of the workspace (`catchUp`, before a GraphQL query runs): reads answer as if every
//   acknowledged record were folded, read-your-writes included;
// - an ingest call that finds `maxUnfoldedEvents` events waiting waits, before it answers, until
//   the fold has brought the tail back under that bound (backpressure: the tail a read may have to
//   fold stays bounded, and a sender at full speed is slowed to the fold's pace);
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
  /** A call was held by backpressure for `seconds` (answered, or refused after a minute). */
  onHeld?(seconds: number): void;
  /** Rows folded (events and record changes) after which the queues are vacuumed (`vacuumQueues`); default QUEUE_VACUUM_ROWS. */
  vacuumEveryRows?: number;
}

/** Rows folded between two vacuums of the queues: ten event chunks. */
export const QUEUE_VACUUM_ROWS = 10 * FOLD_CHUNK;

/** The fold of one process: what a request asks of it (`FoldService`), and the sweep and the stop. */
export interface Folder extends FoldService {
  /** Fold every workspace's waiting work. */
  sweep(): Promise<void>;
  /** Stop the sweep and wait for the background folds in flight. */
  stop(): Promise<void>;
}

/**
 * Fold one chunk of the workspace's events in a transaction of its own, holding the attribution
 * lock shared (a link change or a purge is never half-seen). Returns how many events it folded (0
 * when none is waiting, or every waiting one is being folded by another fold).
 */
async function foldEventChunk(db: Db, workspaceId: string, upTo: number | null): Promise<number> {
  return inTransaction(db, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock_shared(hashtext(${workspaceId}))`);
    return foldEvents(tx, workspaceId, upTo);
  });
}

/**
 * Fold the workspace's events until the queue is empty (as of the last chunk), or, with `upTo`,
 * until every event queued at or before that sequence number is folded: a read folds what was
 * acknowledged before it started, never chasing a sender that keeps writing.
 */
export async function foldAllEvents(db: Db, workspaceId: string, upTo: number | null = null): Promise<number> {
  let folded = 0;
  for (;;) {
    for (let taken = FOLD_CHUNK; taken >= FOLD_CHUNK; folded += taken) taken = await foldEventChunk(db, workspaceId, upTo);
    // Events other folds hold are theirs to fold: a read waits for them to commit (or to fail,
    // leaving the events to take again).
    if (upTo === null || (await guarded(settleUpTo(db, workspaceId, upTo))) === 0) return folded;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How often a call held by backpressure looks at the tail again, and how many times before it gives up (60 s). */
const BACKPRESSURE_PAUSE_MS = 50;
const BACKPRESSURE_WAITS = 1200;

/** Fold the queued record changes of one object into the catalog statistics; how many queued calls it folded. */
async function foldRecords(db: Db, workspaceId: string, object: RecordKind, exactDistinctValues: number): Promise<number> {
  return inTransaction(db, (tx) => foldStatistics(tx, object, workspaceId, exactDistinctValues));
}

/** Vacuum the queues once `everyRows` rows were folded in this process since the last vacuum (one at a time). */
function queueVacuum(db: Db, everyRows: number, onError: (error: unknown) => void) {
  let folded = 0;
  let vacuuming: Promise<void> | null = null;
  return {
    folded(rows: number) {
      folded += rows;
      if (folded < everyRows || vacuuming) return;
      folded = 0;
      vacuuming = guarded(vacuumQueues(db))
        .catch(onError)
        .finally(() => {
          vacuuming = null;
        });
    },
    running: () => vacuuming ?? Promise.resolve(),
  };
}

/**
 * Background folds: at most one per workspace in this process; a call arriving while it runs makes
 * it run once more, so nothing stored before the call is left waiting for the sweep.
 */
function backgroundFolds(foldWorkspace: (workspaceId: string) => Promise<void>, onError: (error: unknown) => void) {
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
      .catch(onError)
      .finally(() => running.delete(workspaceId));
    running.set(workspaceId, run);
    return run;
  };
  return {
    schedule,
    isRunning: (workspaceId: string) => running.has(workspaceId),
    inFlight: () => [...running.values()],
    stopped: () => stopped,
    /** No more runs after the current ones (which the caller awaits through `inFlight`). */
    stop() {
      stopped = true;
    },
  };
}

export function createFolder(db: Db, options: FoldOptions): Folder {
  /**
   * Everything waiting, folded: one probe when nothing is. `bounded`: only what was queued before the
   * probe (a read's catch-up); otherwise until the queue is empty (the background fold).
   */
  const vacuum = queueVacuum(db, options.vacuumEveryRows ?? QUEUE_VACUUM_ROWS, options.onError);
  const foldWorkspace = async (workspaceId: string, bounded: boolean): Promise<void> => {
    const work = await guarded(unfoldedWork(db, workspaceId));
    if (work.lastEvent !== null) vacuum.folded(await foldAllEvents(db, workspaceId, bounded ? work.lastEvent : null));
    for (const object of work.records) vacuum.folded(await foldRecords(db, workspaceId, object, options.exactDistinctValues));
  };
  const background = backgroundFolds((workspaceId) => foldWorkspace(workspaceId, false), options.onError);
  const { schedule } = background;

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
      if (background.stopped()) return;
      void schedule(workspaceId);
      if (unfolded < options.maxUnfoldedEvents) return;
      // Backpressure: the background fold (one per workspace here, whatever the number of callers)
      // works the tail down; the call answers once it is under the bound.
      const held = performance.now();
      try {
        for (
          let waits = 0;
          (await guarded(countUnfolded(db, workspaceId, options.maxUnfoldedEvents))) >= options.maxUnfoldedEvents;
          waits++
        ) {
          if (background.stopped()) return;
          // A fold that cannot make progress (the database failing) must not hold the call forever:
          // its records are stored; the client's retry is answered DUPLICATE.
          if (waits >= BACKPRESSURE_WAITS) throw serviceUnavailable();
          if (!background.isRunning(workspaceId)) void schedule(workspaceId);
          await pause(BACKPRESSURE_PAUSE_MS);
        }
      } finally {
        options.onHeld?.((performance.now() - held) / 1000);
      }
    },
    recordsChanged(workspaceId) {
      if (!background.stopped()) void schedule(workspaceId);
    },
    catchUp: (workspaceId) => foldWorkspace(workspaceId, true),
    sweep,
    async idle() {
      while (sweeping || background.inFlight().length > 0) await Promise.all([sweeping, ...background.inFlight()]);
      await vacuum.running();
    },
    async stop() {
      background.stop();
      if (timer) clearInterval(timer);
      await sweeping;
      await Promise.all(background.inFlight());
      await vacuum.running();
    },
  };
}
