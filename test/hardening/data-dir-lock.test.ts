import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/db/lock.ts';
import { postJson, type ServerProcess, startServer } from '../reliability/process.ts';

// Issue 12, item 10: the embedded database (PGlite) is single-process. A CLI or a second server
// opening the data directory of a running server used to work on its own copy: the CLI printed a
// key the server refused, and the workspace was gone after a restart. Now the directory is locked;
// a second opener refuses with a message saying who holds it and what to do instead, and the lock
// of a process that died (SIGKILL) does not block the next start.

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'lock-'));
const dataDir = join(dir, 'data');
const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
const servers: ServerProcess[] = [];

afterAll(async () => {
  for (const server of servers) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
  rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli.ts'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

const viewer = (server: ServerProcess, key: string) =>
  postJson(`${server.url}/graphql`, { query: '{ viewer { workspace { name } } }' }, key).then(
    (r) => r.body?.data?.viewer?.workspace?.name ?? r.status,
  );

describe('one process per PGlite data directory', () => {
  it('the CLI and a second server refuse while a server holds the directory; a dead holder does not block', {
    timeout: 180_000,
  }, async () => {
    const server = await startServer({ env });
    servers.push(server);
    const holder = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(holder.pid).toBe(server.child.pid);

    const refused = await cli('workspace:create', '--name', 'Other');
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).not.toContain('cor_');
    expect(refused.stderr).toContain(`in use by process ${server.child.pid}`);
    expect(refused.stderr).toContain('createApiKey');
    expect(refused.stderr).toContain('DATABASE_URL');

    await expect(startServer({ env })).rejects.toThrow(new RegExp(`in use by process ${server.child.pid}`));
    // The refused openers changed nothing: the first server still answers with its own key.
    expect(await viewer(server, server.adminKey!)).toBe('Default');

    // SIGKILL leaves the lock file behind; its pid is dead, so the CLI goes ahead.
    server.child.kill('SIGKILL');
    await server.exited;
    const created = await cli('workspace:create', '--name', 'Other');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const key = /admin key \(shown once\): (cor_\S+)/.exec(created.stdout)?.[1];
    expect(key).toBeDefined();

    // What the CLI wrote is there for the next server, and the CLI released the lock on exit.
    const next = await startServer({ env });
    servers.push(next);
    expect(await viewer(next, key!)).toBe('Other');
    expect(await viewer(next, server.adminKey!)).toBe('Default');
  });
});
