import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, runDemo } from '../../scripts/demo.ts';
import { openBrowser } from './browser.ts';

// The views page in a real (headless) browser on the demo dataset (`npm run demo`), with every
// non-local request refused: charts and tables come from assets this server serves.
const SCREENSHOTS = new URL('../../test-output/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'views-e2e-'));
const silent = new Writable({ write: (_chunk, _encoding, callback) => callback() });

let demo: Demo;
let browser: Browser;
let page: Page;
let external: string[];
let problems: string[];

beforeAll(async () => {
  demo = await runDemo({ dataDir: dir, port: 0, host: '127.0.0.1', progress: silent, out: silent, env: { LOG_LEVEL: 'silent' } });
  ({ browser, page, external, problems } = await openBrowser(demo.url));
  await page.setViewportSize({ width: 1400, height: 1000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function api(query: string) {
  const response = await fetch(`${demo.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.adminKey}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

const cards = (selector: string) => page.locator(`article.view${selector}`);

describe('views page on the demo dataset', () => {
  it('renders every view of the demo, populated with no configuration', async () => {
    await page.goto(`${demo.url}/views`);
    await expect.poll(() => page.textContent('#key-status')).toContain('Paste an API key');
    await page.fill('#api-key', demo.adminKey);
    await page.check('#remember');
    await page.click('#key-form button[type=submit]');
    await expect.poll(() => page.textContent('#key-status'), { timeout: 20_000 }).toContain('10 of 10 views unlocked');

    expect(await cards('').count()).toBe(10);
    expect(await cards('.locked').count()).toBe(0);
    // Charts are drawn (Chart.js sized each canvas) and tables hold rows.
    const canvases = page.locator('article.view canvas');
    expect(await canvases.count()).toBeGreaterThanOrEqual(7);
    for (const box of await canvases.evaluateAll((nodes) => nodes.map((n: any) => [n.width, n.height]))) {
      expect(box[0]).toBeGreaterThan(100);
      expect(box[1]).toBeGreaterThan(50);
    }
    const mostActive = page.locator('article[data-view-id="most-active-accounts"]');
    expect(await mostActive.locator('tbody tr').count()).toBe(5);
    expect(await mostActive.textContent()).toContain('Why: Signed In is sign-in activity');
    expect(await page.locator('article[data-view-id="plan-mix"] tbody tr').count()).toBeGreaterThan(1);

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: new URL('views.png', SCREENSHOTS).pathname, fullPage: true });
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows a view whose input is gone as locked, with what would unlock it', async () => {
    await api('mutation { setDimensionSemantic(input: { object: ACCOUNT, key: "renewal_date", semantic: null }) { userErrors { code } } }');
    await page.reload();
    await expect.poll(() => page.textContent('#key-status'), { timeout: 20_000 }).toContain('9 of 10 views unlocked');
    const locked = page.locator('article.view.locked');
    expect(await locked.count()).toBe(1);
    expect(await locked.getAttribute('data-view-id')).toBe('falling-usage-before-renewal');
    expect(await locked.locator('li.hint').textContent()).toContain(
      'renewal_date would provide it (inferred RENEWAL_DATE) but was marked otherwise',
    );
    await page.screenshot({ path: new URL('views-locked.png', SCREENSHOTS).pathname, fullPage: true });
    await api('mutation { setDimensionSemantic(input: { object: ACCOUNT, key: "renewal_date", reset: true }) { userErrors { code } } }');
    expect(problems).toEqual([]);
  });
});

describe('GraphQL IDE on the demo dataset', () => {
  it('opens a first-time IDE on the views query once the workspace has data', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const ide = await fresh.newPage();
    ide.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // The IDE's first question ("has any view data?") is refused as the workspace's read limit
    // would refuse it; the IDE retries after Retry-After. Every answer is kept for the failure message.
    const answers: string[] = [];
    await ide.route('**/graphql', async (route) => {
      if (!route.request().postData()?.includes('IdeViews')) return route.continue();
      if (answers.length === 0) {
        answers.push('429 (refused by the test)');
        return route.fulfill({
          status: 429,
          headers: { 'retry-after': '1', 'content-type': 'application/json' },
          body: '{"errors":[{"message":"busy"}]}',
        });
      }
      const response = await route.fetch();
      answers.push(`${response.status()} ${await response.text()}`);
      return route.fulfill({ response });
    });
    await ide.goto(`${demo.url}/graphql`);
    await ide.waitForSelector('.graphiql-container');
    await ide.fill('#api-key', demo.adminKey);
    await ide.click('#key-form button[type=submit]');
    await expect
      .poll(() => ide.evaluate(() => (globalThis as any).localStorage.getItem('graphiql:query')), { timeout: 20_000 })
      .toContain('query Views')
      .catch((error: Error) => {
        throw new Error(`${error.message}\nthe IDE's IdeViews answers: ${JSON.stringify(answers)}`);
      });
    expect(answers.length).toBeGreaterThanOrEqual(2);
    await ide.click('.graphiql-execute-button');
    await expect.poll(() => ide.textContent('.graphiql-response'), { timeout: 20_000 }).toContain('most-active-accounts');
    await ide.screenshot({ path: new URL('graphql-ide-views.png', SCREENSHOTS).pathname });
    await fresh.close();
    expect(problems).toEqual([]);
  });
});
