import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { tracingRequested } from '../../src/observability/tracing.ts';

// The README's settings tables must list every environment variable the server reads, each with a
// default, a unit and an effect, and a default written as a literal must be the one the code
// applies. The variables are discovered by running the code on an environment that records each
// lookup, so a variable added to src/config.ts without documentation fails here.
function variablesRead(read: (env: Record<string, string | undefined>) => unknown): string[] {
  const names = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_target, name) {
      if (typeof name === 'string') names.add(name);
      return undefined;
    },
  });
  read(env);
  return [...names].sort();
}

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const start = readme.indexOf('## Configuration');
const section = readme.slice(start, readme.indexOf('\n## ', start + 5));

/** Rows of the section's tables: `| \`NAME\` | default | unit | effect |`, one per variable named in the first cell. */
const rows = section
  .split('\n')
  .filter((line) => /^\| `[A-Z_]+`/.test(line))
  .flatMap((line) => {
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
    const names = [...(cells[0] ?? '').matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!);
    return names.map((name) => ({ name, cells }));
  });
const documented = new Map(rows.map((row) => [row.name, row.cells]));

describe('README configuration tables', () => {
  it('documents every variable src/config.ts and the tracing switch read', () => {
    const config = variablesRead(loadConfig);
    const tracing = variablesRead(tracingRequested);
    expect(config).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'METRICS_TOKEN', 'CORS_ORIGINS']));
    expect(tracing).toEqual(expect.arrayContaining(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SDK_DISABLED']));
    expect([...config, ...tracing].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('gives every variable a default, a unit and an effect', () => {
    for (const [name, cells] of documented) {
      expect(cells, name).toHaveLength(4);
      expect(
        cells.every((cell) => cell !== ''),
        name,
      ).toBe(true);
    }
  });

  it('states the defaults src/config.ts applies', () => {
    const defaults = loadConfig({});
    let checked = 0;
    for (const name of variablesRead(loadConfig)) {
      // A default written as one literal (`4000`, `ratelimit:`) must change nothing when set explicitly.
      const literal = /^`([^`]*)`$/.exec(documented.get(name)?.[1] ?? '')?.[1];
      if (literal === undefined) continue;
      expect(loadConfig({ [name]: literal }), `${name} = ${literal}`).toEqual(defaults);
      checked++;
    }
    expect(checked).toBeGreaterThan(35);
  });

  it('keeps the two quick-start commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm install && npm test');
  });
});
