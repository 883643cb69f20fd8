// Smoke test of the real server process on the embedded default: start it in an empty temp
// directory, read the admin key it prints once, call `viewer` over HTTP, stop it with SIGTERM,
// restart, and check the key is not printed again. Used by .ci/run on the build
// (`node dist/scripts/smoke.js`: the compiled server with plain node, as `npm start` runs it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerProcess, startServer } from '../test/reliability/process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'smoke-'));
const start = () => startServer({ cwd: dataDir, env: { DATA_DIR: join(dataDir, 'data') } });

async function stop(server: ServerProcess): Promise<number | null> {
  server.child.kill('SIGTERM');
  return (await server.exited).code;
}

async function main() {
  const first = await start();
  const key = first.adminKey;
  if (!key) throw new Error(`no admin key printed on first start:\n${first.output()}`);
  const occurrences = first.output().split(key).length - 1;
  if (occurrences !== 2) throw new Error(`expected the key in exactly the two banner lines, found ${occurrences}`);

  const response = await fetch(`${first.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: '{ viewer { workspace { name } scopes } }' }),
  });
  const body = (await response.json()) as { data?: { viewer?: { workspace?: { name?: string } } } };
  if (response.status !== 200 || body.data?.viewer?.workspace?.name !== 'Default') {
    throw new Error(`viewer failed: ${response.status} ${JSON.stringify(body)}`);
  }
  const health = await fetch(`${first.url}/readyz`);
  if (health.status !== 200) throw new Error(`/readyz answered ${health.status}`);
  const code = await stop(first);
  if (code !== 0) throw new Error(`server exited with ${code} on SIGTERM`);

  const second = await start();
  if (/cor_[0-9A-Za-z]{43}/.test(second.output())) throw new Error('a key was printed on the second start');
  await stop(second);
  process.stdout.write('smoke: 1 passed, 0 failed\n');
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`smoke test failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dataDir, { recursive: true, force: true }));
