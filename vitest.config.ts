import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// Vite would resolve `graphql` to its ESM build while Apollo Server (loaded by Node) gets the CJS
// one: two graphql realms break instanceof checks. Pin the one Node uses.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/reliability/**', 'test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file opens its own database; two workers match the two cores this runs on.
    pool: 'forks',
    maxWorkers: 2,
  },
});
