import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import codegen from '../../codegen.ts';

// Dependencies point one way, down the floors below; `npm run check:cycles` (madge) catches file
// cycles, this checks every import edge of src/ against the floors and the folders against cycles.
//
//   entry       main.ts · cli.ts · server.ts
//   transport   http/ · hightouch/ · the HTTP hooks and Apollo plugin of observability/
//   graphql     graphql/: the Apollo set-up and the composition of every domain's resolvers
//   domain      catalog/ · insights/ · ingest/ · keys/ · rollups/ · views/ (between them: no folder cycle)
//   shared      context · errors · text · config · loaders · transaction · observability's metrics and request
//   db          db/
//   ground      __generated__/ (types generated from schema.graphql) · vocabulary.ts · files.ts · the models
//               the generated types are mapped to (codegen.ts `mappers`)
//
// The ground floor is types every floor may name. The generated resolver types are written over
// the domains' models (a `Dimension` resolves from a `DimensionModel`): codegen imports them type
// only (`useTypeImports`), so those models are held to the ground floor too: they may import only
// ground-floor modules (a domain's `models.ts` declares shapes, it calls nothing). The one edge out
// of the ground floor is the generated types' `contextType` (every resolver's third argument):
// type-only, erased at compile time, and named here rather than hidden.

type Madge = (path: string, config: object) => Promise<{ obj(): Record<string, string[]> }>;
const madge = createRequire(import.meta.url)('madge') as Madge;

const GENERATED = '__generated__/types.ts';
const generatedConfig = (codegen.generates as Record<string, { config: { mappers: Record<string, string>; contextType: string } }>)[
  `./src/${GENERATED}`
]!.config;
/** A codegen reference (`../keys/models.ts#ViewerModel`) as a path under src/. */
const sourceOf = (reference: string) => posix.join(posix.dirname(GENERATED), reference.split('#')[0]!);
const MAPPED_MODELS = new Set(Object.values(generatedConfig.mappers).map(sourceOf));
const CONTEXT_TYPE = sourceOf(generatedConfig.contextType);

/** Ground-floor modules that import nothing: the shared words, and where run-time files are. */
const GROUND_FILES = ['vocabulary.ts', 'files.ts'];
const DOMAINS = ['catalog', 'insights', 'ingest', 'keys', 'rollups', 'views'];
const SHARED = ['context.ts', 'errors.ts', 'text.ts', 'config.ts', 'loaders.ts', 'transaction.ts', 'observability'];
/** observability/ hooks into Fastify and Apollo (transport) and counts for every floor (shared). */
const OBSERVABILITY_TRANSPORT = new Set(['observability/http.ts', 'observability/graphql.ts']);
const FLOORS = ['ground', 'db', 'shared', 'domain', 'graphql', 'transport', 'entry'] as const;
type Floor = (typeof FLOORS)[number];

/** A file's folder under src/ (`catalog`), or the file itself at the top (`context.ts`). */
const topOf = (file: string): string => file.split('/')[0] ?? file;

function floorOf(file: string): Floor {
  const top = topOf(file);
  if (top === '__generated__' || GROUND_FILES.includes(file) || MAPPED_MODELS.has(file)) return 'ground';
  if (top === 'db') return 'db';
  if (OBSERVABILITY_TRANSPORT.has(file)) return 'transport';
  if (SHARED.includes(top)) return 'shared';
  if (DOMAINS.includes(top)) return 'domain';
  if (top === 'graphql') return 'graphql';
  if (top === 'http' || top === 'hightouch') return 'transport';
  if (['main.ts', 'cli.ts', 'server.ts'].includes(file)) return 'entry';
  throw new Error(`${file}: no floor; add it to test/unit/architecture.test.ts`);
}

/**
 * A file's place in the drawing of the folders: its folder, or the ground floor for the generated
 * types and the models they are mapped to (which import nothing above it, so it is in no cycle).
 */
const folderOf = (file: string): string => (floorOf(file) === 'ground' ? 'ground floor' : topOf(file));

/** The import edges of src/ that count: the generated types' type-only `contextType` edge left out. */
function edgesOf(graph: Record<string, string[]>): Array<[string, string]> {
  return Object.entries(graph).flatMap(([from, targets]) =>
    targets.filter((to) => !(from === GENERATED && to === CONTEXT_TYPE)).map((to): [string, string] => [from, to]),
  );
}

/** Edges that point up: a lower floor importing a higher one. */
function upwardEdges(edges: Array<[string, string]>): string[] {
  return edges.filter(([from, to]) => FLOORS.indexOf(floorOf(to)) > FLOORS.indexOf(floorOf(from))).map(([from, to]) => `${from} → ${to}`);
}

/**
 * Cycles between folders of src/ (each a strongly connected set of two or more folders), each with
 * the file edges that make it: a folder cycle hides no file cycle, but still tangles two folders.
 */
function folderCycles(edges: Array<[string, string]>): Array<{ folders: string[]; edges: string[] }> {
  const next = new Map<string, Set<string>>();
  for (const [from, to] of edges) {
    const [a, b] = [folderOf(from), folderOf(to)];
    if (!next.has(a)) next.set(a, new Set());
    if (!next.has(b)) next.set(b, new Set());
    if (a !== b) next.get(a)!.add(b);
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return components.map((folders) => ({
    folders,
    edges: edges
      .filter(([from, to]) => folderOf(from) !== folderOf(to) && folders.includes(folderOf(from)) && folders.includes(folderOf(to)))
      .map(([from, to]) => `${from} → ${to}`)
      .sort(),
  }));
}

const graph = (await madge('src', { fileExtensions: ['ts'] })).obj();
const edges = edgesOf(graph);

describe('architecture', () => {
  it('reads the whole import graph', () => {
    expect(Object.keys(graph).length).toBeGreaterThan(50);
    expect(graph[GENERATED]?.length).toBeGreaterThan(0);
  });

  it('has no import from a lower floor to a higher one', () => {
    expect(upwardEdges(edges)).toEqual([]);
  });

  it('has no cycle between folders of src/', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  it('imports the mapped models and the context into the generated types as types only', () => {
    const imports = readFileSync(new URL(`../../src/${GENERATED}`, import.meta.url), 'utf8').match(/^import .*$/gm) ?? [];
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((line) => !line.startsWith('import type '))).toEqual([]);
    expect(MAPPED_MODELS.size).toBeGreaterThan(3);
    expect(graph[GENERATED]?.filter((to) => !MAPPED_MODELS.has(to) && to !== CONTEXT_TYPE)).toEqual([]);
  });

  it('finds a folder cycle and a floor running up (the checks can fail)', () => {
    expect(folderCycles([...edges, ['db/client.ts', 'catalog/queries.ts']])).toContainEqual({
      folders: expect.arrayContaining(['catalog', 'db']),
      edges: expect.arrayContaining(['db/client.ts → catalog/queries.ts', 'catalog/queries.ts → db/client.ts']),
    });
    expect(upwardEdges([['db/client.ts', 'ingest/service.ts']])).toEqual(['db/client.ts → ingest/service.ts']);
  });
});
