import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { documentRateClass, readRootAuth, rootAuth } from '../../src/graphql/auth.ts';
import { typeDefs } from '../../src/graphql/schema.ts';
import { suiteApp } from '../support/harness.ts';

// Authorization and rate-limit class are declared per root field with `@auth` in schema.graphql and
// enforced in one place (src/graphql/auth.ts). A new Query or Mutation field without a declaration
// fails here (and the server refuses to start).

describe('@auth declarations', () => {
  it('every root field of the schema declares its scope and rate class', () => {
    const schema = buildSchema(typeDefs);
    const roots = [schema.getQueryType(), schema.getMutationType()].flatMap((type) =>
      type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : [],
    );
    expect(roots.length).toBeGreaterThan(20);
    expect(readRootAuth(parse(typeDefs)).undeclared).toEqual([]);
    expect(roots.filter((name) => !rootAuth.has(name))).toEqual([]);
  });

  it('reports a root field without a declaration', () => {
    const sdl = `
      directive @auth(scope: String, rateClass: String!) on FIELD_DEFINITION
      type Query { a: Int @auth(rateClass: READ) b: Int }
      type Mutation { c: Int @auth(scope: ADMIN) }`;
    expect(readRootAuth(parse(sdl)).undeclared).toEqual(['Query.b', 'Mutation.c']);
  });

  it('charges the rate class each operation declares', () => {
    const charge = (query: string) => [documentRateClass(parse(query))];
    expect(charge('{ viewer { scopes } }')).toEqual(['READ']);
    expect(charge('{ apiKeys { id } }')).toEqual(['READ']);
    expect(charge('mutation { createCustomField(input: { object: ACCOUNT, key: "k", type: STRING }) { field { key } } }')).toEqual([
      'ADMIN',
    ]);
    expect(charge('mutation { trackEvents(input: { records: [] }) { received } }')).toEqual(['INGEST']);
    expect(charge('mutation { deleteUsers(input: { ids: [] }) { received } revokeApiKey(input: { id: "x" }) { apiKey { id } } }')).toEqual([
      'INGEST',
    ]);
  });
});

describe('scopes enforced from the schema', () => {
  const t = suiteApp();

  it('refuses each root field to a key without its declared scope, before it runs', async () => {
    const read = await t.keyWithScopes(['READ']);
    const ingest = await t.keyWithScopes(['INGEST']);
    const cases: Array<[string, string, string]> = [
      ['mutation { createCustomField(input: { object: ACCOUNT, key: "tier", type: STRING }) { field { key } } }', read, 'INGEST'],
      ['mutation { upsertAccounts(input: { records: [{ id: "a1", name: "A" }] }) { created } }', read, 'INGEST'],
      ['{ dimensions(object: ACCOUNT) { key } }', ingest, 'READ'],
      ['{ apiKeys { id } }', read, 'ADMIN'],
      ['mutation { revokeApiKey(input: { id: "none" }) { apiKey { id } } }', ingest, 'ADMIN'],
    ];
    for (const [query, key, scope] of cases) {
      const res = await t.gql(query, {}, key);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: scope });
    }
    // Nothing was written by the refused calls.
    const after = await t.gql('{ accounts { totalCount } dimensions(object: ACCOUNT) { key isDefault } }', {}, read);
    expect(after.data?.accounts.totalCount).toBe(0);
    expect(after.data?.dimensions.filter((d: { isDefault: boolean }) => !d.isDefault)).toEqual([]);
    // `viewer` declares no scope: any key.
    expect((await t.gql('{ viewer { scopes } }', {}, ingest)).data?.viewer.scopes).toEqual(['INGEST']);
  });
});
