import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

// Debian's Chromium, headless, for the browser tests: every request to another origin than the
// server under test is refused and recorded (the pages must work offline), and every page error or
// console error is recorded.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** URLs of refused requests to other origins. */
  external: string[];
  /** Page errors and console errors (filtered by `ignore`). */
  problems: string[];
}

export async function openBrowser(origin: string, ignore: (text: string) => boolean = () => false): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const external: string[] = [];
  const problems: string[] = [];
  await context.route(
    (url) => url.origin !== origin,
    (route) => {
      external.push(route.request().url());
      return route.abort();
    },
  );
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !ignore(message.text())) problems.push(`console: ${message.text()}`);
  });
  return { browser, context, page, external, problems };
}
