import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREBUILT } from '../../src/http/static.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { openBrowser } from './browser.ts';

// The GraphQL IDE in a real (headless) browser, with every non-local request refused: it must work
// with no internet, from assets this server serves.
const SCREENSHOTS = new URL('../../test-output/', import.meta.url);

let t: TestApp;
let browser: Browser;
let page: Page;
let base: string;
let external: string[];
let problems: string[];

beforeAll(async () => {
  t = await createTestApp();
  await t.server.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.server.app.server.address() as AddressInfo).port}`;
  // The IDE's own 401 before a key is entered is expected; anything else (CSP violations, script errors) is not.
  ({ browser, page, external, problems } = await openBrowser(base, (text) => text.includes('401')));
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function runInEditor(query: string): Promise<void> {
  await page.evaluate((text) => {
    // Runs in the page; this project's tsconfig has no DOM types, hence the casts.
    const editor = (globalThis as any).document.querySelector('.graphiql-query-editor .CodeMirror');
    editor.CodeMirror.setValue(text);
  }, query);
  // GraphiQL digests edits after debounces (operation name: 100 ms, storage: 500 ms, same change):
  // once the query is stored, the operation name is current too.
  await expect.poll(() => page.evaluate(() => (globalThis as any).localStorage.getItem('graphiql:query'))).toBe(query);
  await page.click('.graphiql-execute-button');
}

describe('GraphQL IDE in a browser', () => {
  it('runs the compiled build with its pre-built assets (test/e2e/vitest.config.ts)', () => {
    expect(PREBUILT).toBe(true);
  });

  it('loads offline, takes a key, shows the schema docs and runs a query', async () => {
    await page.goto(`${base}/graphql`);
    await page.waitForSelector('.graphiql-container');
    await expect.poll(() => page.textContent('#key-status')).toContain('Paste an API key');

    await page.fill('#api-key', t.adminKey);
    await page.check('#remember');
    await page.click('#key-form button[type=submit]');
    await expect.poll(() => page.textContent('#key-status')).toContain('Workspace "A"');

    await runInEditor('{ viewer { workspace { name } } }');
    await expect.poll(() => page.textContent('.graphiql-response')).toMatch(/"name":\s*"A"/);

    // The schema was fetched with the key: the documentation explorer lists the root types.
    await page.click('[aria-label="Show Documentation Explorer"]');
    await expect.poll(() => page.textContent('.graphiql-doc-explorer')).toContain('Mutation');

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: new URL('graphql-ide.png', SCREENSHOTS).pathname });

    expect(external).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('remembers the key only when asked, and forgets it', async () => {
    const stored = () => page.evaluate(() => (globalThis as any).localStorage.getItem('correlated:graphql-ide:api-key'));
    expect(await stored()).toBe(t.adminKey);
    await page.reload();
    await expect.poll(() => page.inputValue('#api-key')).toBe(t.adminKey);
    await expect.poll(() => page.textContent('#key-status')).toContain('Workspace "A"');

    await page.click('#forget');
    expect(await stored()).toBeNull();
    await page.fill('#api-key', t.adminKey);
    await page.click('#key-form button[type=submit]');
    await expect.poll(() => page.textContent('#key-status')).toContain('Workspace "A"');
    expect(await stored()).toBeNull();
  });

  it('reports a refused key', async () => {
    await page.fill('#api-key', `cor_${'x'.repeat(43)}`);
    await page.click('#key-form button[type=submit]');
    await expect.poll(() => page.textContent('#key-status')).toContain('Key refused');
  });
});
