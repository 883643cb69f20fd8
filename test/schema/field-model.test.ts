import { buildASTSchema, type GraphQLInputObjectType, type GraphQLObjectType, getNamedType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FIELDS } from '../../src/catalog/fields.ts';
import { typeDefs } from '../../src/graphql/schema.ts';
import type { FieldType, ObjectKind } from '../../src/vocabulary.ts';

// The default fields are defined once (src/catalog/fields.ts); schema.graphql must spell the same
// fields with the same types, so a field added to one but not the other fails here.

const schema = buildASTSchema(parse(typeDefs), { assumeValidSDL: true });
const NAMES: Record<ObjectKind, string> = { ACCOUNT: 'Account', USER: 'User', EVENT: 'Event' };
/** GraphQL scalars a field of each model type may be exposed as (identifiers are `ID`). */
const OUTPUT: Record<FieldType, string[]> = {
  STRING: ['String', 'ID'],
  EMAIL: ['String', 'EmailAddress'],
  URL: ['String', 'URL'],
  NUMBER: ['Float', 'Int'],
  BOOLEAN: ['Boolean'],
  DATETIME: ['DateTime'],
  MIXED: ['JSON'],
};
const INPUT: Record<FieldType, string> = {
  STRING: 'LenientString',
  EMAIL: 'LenientString',
  URL: 'LenientString',
  NUMBER: 'LenientNumber',
  BOOLEAN: 'LenientBoolean',
  DATETIME: 'LenientDateTime',
  MIXED: 'JSON',
};
/**
 * Scalar output fields without arguments that are not default fields: record metadata and derived
 * measures (src/insights/measures.ts). Relations, metrics and custom values are not scalars or take arguments.
 */
const NOT_DEFAULT_FIELDS = new Set(['lastActivityAt', 'firstReceivedAt', 'updatedAt', 'receivedAt', 'daysUntilRenewal']);
const SCALARS = new Set(['String', 'ID', 'Float', 'Int', 'Boolean', 'DateTime', 'EmailAddress', 'URL']);

describe('the field model and schema.graphql', () => {
  for (const kind of Object.keys(DEFAULT_FIELDS) as ObjectKind[]) {
    const model = DEFAULT_FIELDS[kind];

    it(`${kind}: the input type carries exactly the default fields, with their types`, () => {
      const input = schema.getType(`${NAMES[kind]}Input`) as GraphQLInputObjectType;
      const fields = Object.values(input.getFields()).filter((f) => f.name !== 'custom' && f.name !== 'properties');
      expect(fields.map((f) => f.name).sort()).toEqual(model.map((f) => f.key).sort());
      for (const field of model) expect(getNamedType(input.getFields()[field.key]!.type).name, field.key).toBe(INPUT[field.type]);
    });

    it(`${kind}: the object type exposes every default field with its type, and no other scalar field`, () => {
      const type = schema.getType(NAMES[kind]) as GraphQLObjectType;
      const fields = type.getFields();
      for (const field of model) {
        // An event's identifier is its dedup key (`id`); `eventId` is the caller's key, a model field.
        const graphql = fields[field.key];
        expect(graphql, `${NAMES[kind]}.${field.key}`).toBeDefined();
        expect(OUTPUT[field.type], `${NAMES[kind]}.${field.key}`).toContain(getNamedType(graphql!.type).name);
      }
      const keys = new Set(model.map((f) => f.key));
      const extra = Object.values(fields).filter(
        (f) =>
          SCALARS.has(getNamedType(f.type).name) &&
          f.args.length === 0 &&
          !keys.has(f.name) &&
          !NOT_DEFAULT_FIELDS.has(f.name) &&
          f.name !== 'id',
      );
      expect(extra.map((f) => f.name)).toEqual([]);
    });
  }
});
