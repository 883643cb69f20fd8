import { readdirSync, readFileSync } from 'node:fs';
import { buildSchema, type DocumentNode, Kind, parse, print, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { typeDefs } from '../../src/graphql/schema.ts';
import { suiteApp, TEST_NOW } from '../support/harness.ts';

// The frontend examples of docs/graphql.md ("Typed operations for frontends") are real files:
// when the schema drifts, they stop validating here and CI fails before a frontend's codegen does.
const DIR = new URL('../../docs/examples/', import.meta.url);
const files = readdirSync(DIR)
  .filter((file) => file.endsWith('.graphql'))
  .sort();
const documents = files.map((file) => ({ file, document: parse(readFileSync(new URL(file, DIR), 'utf8')) }));

const operations = documents.flatMap(({ file, document }) =>
  document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).map((operation) => ({ file, operation })),
);

/** Variables a frontend would send, per operation (every example must have an entry). */
const now = TEST_NOW;
const VARIABLES: Record<string, Record<string, unknown>> = {
  Dimensions: { object: 'ACCOUNT' },
  DimensionBreakdown: { object: 'ACCOUNT', key: 'plan', filter: [{ key: 'region', eq: 'EMEA' }] },
  MetricCatalog: {},
  MetricChart: {
    metric: { event: 'Signed In' },
    from: new Date(now.getTime() - 28 * 86_400_000).toISOString(),
    to: now.toISOString(),
  },
  TopAccounts: { event: 'Signed In', filter: [{ key: 'plan', in: ['pro', 'enterprise'] }] },
};

const t = suiteApp();

describe('docs/examples/*.graphql', () => {
  it('exist and are referenced from docs/graphql.md', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    const guide = readFileSync(new URL('../graphql.md', DIR), 'utf8');
    for (const file of files) expect(guide, file).toContain(`examples/${file}`);
  });

  it('validate against schema.graphql', () => {
    const schema = buildSchema(typeDefs);
    for (const { file, document } of documents) {
      expect(
        validate(schema, document).map((e) => e.message),
        file,
      ).toEqual([]);
    }
  });

  it('name every operation uniquely (codegen needs it)', () => {
    const names = operations.map(({ operation }) => operation.kind === Kind.OPERATION_DEFINITION && operation.name?.value);
    expect(names.every(Boolean)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(VARIABLES).sort()).toEqual([...(names as string[])].sort());
  });

  it('run without errors on a live server', async () => {
    for (const { file, operation } of operations) {
      const name = operation.kind === Kind.OPERATION_DEFINITION ? operation.name!.value : '';
      const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation] };
      const response = await t.gql(print(single), VARIABLES[name]);
      expect(response.errors, `${file} ${name}`).toBeUndefined();
      expect(response.status).toBe(200);
    }
  });
});
