import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

// The README's configuration table must list every environment variable the server reads. The
// variables are discovered by running loadConfig on an environment that records each lookup, so a
// variable added to src/config.ts without documentation fails here.
function variablesRead(): string[] {
  const read = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_target, name) {
      if (typeof name === 'string') read.add(name);
      return undefined;
    },
  });
  loadConfig(env);
  return [...read].sort();
}

describe('README configuration table', () => {
  it('documents every variable src/config.ts reads', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5));
    const variables = variablesRead();
    expect(variables).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'METRICS_TOKEN', 'CORS_ORIGINS']));
    expect(variables.filter((name) => !table.includes(`\`${name}\``))).toEqual([]);
  });

  it('keeps the two quick-start commands', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm install && npm test');
  });
});
