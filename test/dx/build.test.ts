import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// `npm start` runs the build (dist/) with plain node: a production install (`npm ci --omit=dev`)
// carries no compiler or bundler, and nothing it runs needs one.
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const BUILD_TOOLS = ['typescript', 'tsx', 'esbuild', 'vite', 'ts-node', 'swc', '@swc/core', 'webpack', 'rollup', 'babel', '@babel/core'];

describe('build and production dependencies', () => {
  it('lists no compiler or bundler among the production dependencies', () => {
    expect(Object.keys(pkg.dependencies).filter((name) => BUILD_TOOLS.includes(name))).toEqual([]);
    expect(pkg.devDependencies).toHaveProperty('tsx');
    expect(pkg.devDependencies).toHaveProperty('esbuild');
  });

  it('starts the compiled server with plain node, building first when needed', () => {
    expect(pkg.scripts.start).toMatch(/\bnode\b.* dist\/src\/main\.js$/);
    expect(pkg.scripts.start).not.toMatch(/\btsx\b/);
    expect(pkg.scripts.prestart).toBe('node scripts/ensure-build.mjs');
    expect(pkg.scripts.dev).toMatch(/\btsx watch\b/);
  });
});
