import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.ts';

// Browser tests (headless Chromium): `npm run test:e2e`. Kept out of `npm test`, which needs no browser.
// Everything else (module resolution in particular) comes from the main config.
//
// They run the build, as `npm start` does: every import of the server's and the scripts' sources
// (`../../src/server.ts`) resolves to its compiled file in dist/ (`dist/src/server.js`), which serves
// the pre-built browser assets. `npm run test:e2e` builds first when dist/ is stale.
const root = fileURLToPath(new URL('../..', import.meta.url));
const compiled = { find: /^(?:\.\.\/)+(src|scripts)\/(.+)\.ts$/, replacement: `${root}dist/$1/$2.js` };

export default defineConfig({
  ...base,
  root,
  resolve: { alias: [...(base.resolve?.alias as { find: RegExp; replacement: string }[]), compiled] },
  test: {
    ...base.test,
    include: ['test/e2e/**/*.test.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
