import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.ts';

// The long suite (`npm run test:reliability`, needs DATABASE_URL): real server processes killed
// mid-stream, starved of their database and shut down under load, plus the big fuzz run
// (FUZZ_RUNS). Kept out of `npm test`.
export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    ...base.test,
    include: ['test/reliability/**/*.test.ts', 'test/hardening/fuzz.test.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    // One file at a time: each starts servers and puts them under load.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
