import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../bench/generator.ts';
import { type Demo, exampleQueries, runDemo } from '../../scripts/demo.ts';

// `npm run demo` end to end: a fresh embedded database loaded through the Hightouch REST adapter
// over real HTTP, then the queries the banner suggests, run as a user would paste them.
const dir = mkdtempSync(join(tmpdir(), 'demo-test-'));
const now = new Date();
let demo: Demo;
let progress = '';
let banner = '';

const sink = (append: (text: string) => void) =>
  new Writable({
    write(chunk, _encoding, callback) {
      append(String(chunk));
      callback();
    },
  });

beforeAll(async () => {
  demo = await runDemo({
    dataDir: dir,
    port: 0,
    host: '127.0.0.1',
    now,
    progress: sink((text) => {
      progress += text;
    }),
    out: sink((text) => {
      banner += text;
    }),
    env: { LOG_LEVEL: 'silent' },
  });
}, 180_000);
afterAll(async () => {
  await demo?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function query(text: string) {
  const response = await fetch(`${demo.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.adminKey}` },
    body: JSON.stringify({ query: text }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

describe('npm run demo', () => {
  it('loads the small preset through the REST adapter without a rejected record', () => {
    const { accounts, users, events } = PRESETS.small;
    expect(demo.summary.rejected ?? 0).toBe(0);
    expect(demo.summary.created).toBe(accounts + users + events);
    expect(progress).toContain(`${(accounts + users + events).toLocaleString('en-US')} records`);
  });

  it('prints the views and IDE URLs, the key and the example queries', () => {
    expect(banner).toContain(`${demo.url}/views`);
    expect(banner).toContain(`${demo.url}/graphql`);
    expect(banner).toContain(demo.adminKey);
    for (const [, text] of exampleQueries(now)) expect(banner).toContain(text.split('\n')[0]);
  });

  it('serves the data: the suggested queries answer without errors', async () => {
    const counts = await query('{ accounts { totalCount } users { totalCount } metrics(kind: COUNT) { name eventCount } }');
    expect(counts.data?.accounts.totalCount).toBe(PRESETS.small.accounts);
    expect(counts.data?.users.totalCount).toBe(PRESETS.small.users);
    const events = counts.data?.metrics.reduce((sum: number, m: { eventCount: number }) => sum + m.eventCount, 0);
    expect(events).toBe(PRESETS.small.events);

    for (const [title, text] of exampleQueries(now)) {
      const result = await query(text);
      expect(result.errors, title).toBeUndefined();
      expect(result.data, title).toBeTruthy();
    }
    const top = await query(exampleQueries(now)[2]![1]);
    expect(top.data.accounts.edges.length).toBe(10);
    expect(top.data.accounts.edges[0].orderValue).toBeGreaterThan(0);
  });

  it('shows populated views with no configuration', async () => {
    const result = await query(exampleQueries(now)[0]![1]);
    const views = result.data.views as Array<{ id: string; locked: boolean; preview: { rows: unknown[] } }>;
    expect(views.filter((v) => v.locked).map((v) => v.id)).toEqual([]);
    expect(views.length).toBeGreaterThanOrEqual(8);
    expect(views.filter((v) => v.preview.rows.length > 0).length).toBeGreaterThanOrEqual(9);
  });
});
