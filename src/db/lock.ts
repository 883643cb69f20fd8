import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * An exclusive lock on an embedded (PGlite) data directory. PGlite is a single-process database:
 * a second process opening the same directory works on its own copy in memory, and whatever it
 * writes is lost or overwritten (a key created by the CLI next to a running server was refused by
 * the server, then gone after its restart). So the first opener holds a lock file and every other
 * opener refuses, saying who holds it and what to do instead.
 *
 * A lock left by a process that died (SIGKILL, power loss) does not block: the holder's pid is
 * checked, and on Linux also its start time and the boot id, so a pid reused by an unrelated
 * process after a restart (PID 1 in every container run) is not mistaken for the holder.
 */

export const LOCK_FILE = 'correlated.lock';

interface Holder {
  pid: number;
  hostname: string;
  command: string;
  startedAt: string;
  /** Linux: the process's start time in clock ticks after boot (field 22 of /proc/<pid>/stat). */
  processStart: string | null;
  bootId: string | null;
}

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    readonly holder: Holder,
  ) {
    super(
      [
        `The data directory ${dataDir} is in use by process ${holder.pid} on ${holder.hostname} (${holder.command}, since ${holder.startedAt}).`,
        'The embedded database (PGlite) can be opened by one process at a time; a second one would lose what it writes.',
        'What to do instead:',
        '  - while the server runs, create workspaces and keys through its GraphQL API (createApiKey, connectHightouch) with an ADMIN key;',
        '  - or stop that process first, then run this command again;',
        '  - or run several processes on PostgreSQL (set DATABASE_URL), which allows it.',
        `If process ${holder.pid} is not running this service, delete ${lockFile}.`,
      ].join('\n'),
    );
  }
}

const held = new Set<string>();

function readFirstLine(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function processStart(pid: number): string | null {
  const stat = readFirstLine(`/proc/${pid}/stat`);
  if (!stat) return null;
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
}

function currentHolder(): Holder {
  return {
    pid: process.pid,
    hostname: hostname(),
    command: process.argv.slice(1).join(' ').slice(0, 200) || 'node',
    startedAt: new Date().toISOString(),
    processStart: processStart(process.pid),
    bootId: readFirstLine('/proc/sys/kernel/random/boot_id'),
  };
}

function readHolder(path: string): { text: string; holder: Holder | null } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const holder = JSON.parse(text) as Holder;
    return { text, holder: Number.isInteger(holder.pid) ? holder : null };
  } catch {
    // Half-written by a process that died while creating it.
    return { text, holder: null };
  }
}

/** Whether the process named in a lock file still runs. A holder on another host is assumed alive. */
function isAlive(holder: Holder, lockFile: string): boolean {
  const me = currentHolder();
  if (holder.hostname !== me.hostname) return true;
  if (holder.bootId && me.bootId && holder.bootId !== me.bootId) return false;
  if (holder.pid === process.pid) return held.has(lockFile);
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // The pid exists (or belongs to another user): the same process only if it started at the same time.
  const start = processStart(holder.pid);
  return !(holder.processStart && start && holder.processStart !== start);
}

/** Take the lock on `dataDir` (an existing directory), or throw DataDirLockedError. */
export function lockDataDir(dataDir: string): { release(): void } {
  const lockFile = join(resolve(dataDir), LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o644);
      try {
        writeSync(fd, `${JSON.stringify(currentHolder())}\n`);
      } finally {
        closeSync(fd);
      }
      held.add(lockFile);
      const release = () => {
        process.off('exit', release);
        if (!held.delete(lockFile)) return;
        try {
          if (readHolder(lockFile)?.holder?.pid === process.pid) unlinkSync(lockFile);
        } catch {
          // Already gone: nothing to release.
        }
      };
      // Also on process.exit() without close(); a SIGKILL leaves the file, which the pid check then ignores.
      process.on('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw error;
    }
    const found = readHolder(lockFile);
    if (found?.holder && isAlive(found.holder, lockFile)) throw new DataDirLockedError(resolve(dataDir), lockFile, found.holder);
    // Stale: remove it, unless another starter replaced it meanwhile (then the next attempt reads that one).
    if (found && readHolder(lockFile)?.text === found.text) {
      try {
        unlinkSync(lockFile);
      } catch {
        // Removed by another starter first.
      }
    }
  }
}
