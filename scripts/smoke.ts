// Smoke test of the real server process on the embedded default: start it in an empty temp
// directory, read the admin key it prints once, call `viewer` over HTTP, restart, and check the
// key is not printed again. Used by .ci/run.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'smoke-'));
const port = 4100 + Math.floor(Math.random() * 500);

function start(): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/main.ts')], {
    cwd: dataDir,
    env: { ...process.env, PORT: String(port), DATA_DIR: join(dataDir, 'data'), LOG_LEVEL: 'info', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Server listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { child, output: () => out, ready };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

async function main() {
  const first = start();
  await first.ready;
  const key = /Authorization: Bearer (cor_[0-9A-Za-z]+)/.exec(first.output())?.[1];
  if (!key) throw new Error(`no admin key printed on first start:\n${first.output()}`);
  const occurrences = first.output().split(key).length - 1;
  if (occurrences !== 2) throw new Error(`expected the key in exactly the two banner lines, found ${occurrences}`);

  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: '{ viewer { workspace { name } scopes } }' }),
  });
  const body = (await response.json()) as { data?: { viewer?: { workspace?: { name?: string } } } };
  if (response.status !== 200 || body.data?.viewer?.workspace?.name !== 'Default') {
    throw new Error(`viewer failed: ${response.status} ${JSON.stringify(body)}`);
  }
  const health = await fetch(`http://127.0.0.1:${port}/readyz`);
  if (health.status !== 200) throw new Error(`/readyz answered ${health.status}`);
  const code = await stop(first.child);
  if (code !== 0) throw new Error(`server exited with ${code} on SIGTERM`);

  const second = start();
  await second.ready;
  if (/cor_[0-9A-Za-z]{43}/.test(second.output())) throw new Error('a key was printed on the second start');
  await stop(second.child);
  process.stdout.write('smoke: 1 passed, 0 failed\n');
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`smoke test failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dataDir, { recursive: true, force: true }));
