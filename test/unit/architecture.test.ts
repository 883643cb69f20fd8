import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// Dependencies point one way: transports (src/server.ts, src/http, src/hightouch) → GraphQL
// (src/graphql) → domains (catalog, insights, ingest, keys, views) → database (src/db). Cycles are
// caught by `npm run check:cycles`; this checks the direction of every import edge of src/.

type Madge = (path: string, config: object) => Promise<{ obj(): Record<string, string[]> }>;
const madge = createRequire(import.meta.url)('madge') as Madge;

const DOMAINS = ['catalog', 'insights', 'ingest', 'keys', 'rollups', 'views'];
const layerOf = (file: string): string => {
  const top = file.split('/')[0] ?? file;
  if (file === 'server.ts' || file === 'main.ts' || file === 'cli.ts' || top === 'http' || top === 'hightouch') return 'transport';
  if (file === 'graphql/generated.ts') return 'types'; // types generated from schema.graphql, imported by every layer
  if (top === 'graphql') return 'graphql';
  if (DOMAINS.includes(top)) return 'domain';
  if (top === 'db') return 'db';
  return 'shared'; // context, errors, text, config, loaders, observability: used by every layer
};
const RANK: Record<string, number> = { transport: 3, graphql: 2, domain: 1, db: 0 };
/** What every request carries (the caller's principal, how keys are redacted, the fold): shared modules may read it. */
const KEY_VOCABULARY = new Set(['keys/models.ts', 'keys/secrets.ts', 'rollups/fold.ts']);

/** Import edges that point upward (a lower layer importing a higher one). */
function upwardEdges(graph: Record<string, string[]>): string[] {
  const wrong: string[] = [];
  for (const [from, targets] of Object.entries(graph)) {
    for (const to of targets) {
      const [a, b] = [RANK[layerOf(from)], RANK[layerOf(to)]];
      if (layerOf(from) === 'shared' && layerOf(to) !== 'shared' && layerOf(to) !== 'db' && layerOf(to) !== 'types') {
        // Shared modules sit beside the database: they may read it, the generated types and the key vocabulary.
        if (!KEY_VOCABULARY.has(to)) wrong.push(`${from} → ${to}`);
      } else if (a !== undefined && b !== undefined && b > a) wrong.push(`${from} → ${to}`);
    }
  }
  return wrong;
}

describe('architecture', () => {
  it('has no import from a lower layer to a higher one', async () => {
    const graph = (await madge('src', { fileExtensions: ['ts'] })).obj();
    expect(Object.keys(graph).length).toBeGreaterThan(50); // the graph was really read
    expect(upwardEdges(graph)).toEqual([]);
  });
});
