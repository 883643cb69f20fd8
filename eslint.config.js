// ESLint is used for the GraphQL schema only (TypeScript is linted by Biome): `npm run lint:schema`.
// The schema is the contract a frontend codes against, so every type, field, argument and enum value
// must say what it means, names follow the GraphQL conventions and connections follow Relay.
import graphql from '@graphql-eslint/eslint-plugin';

export default [
  {
    files: ['schema.graphql'],
    languageOptions: {
      parser: graphql.parser,
      parserOptions: { graphQLConfig: { schema: './schema.graphql' } },
    },
    plugins: { '@graphql-eslint': graphql },
    rules: {
      ...graphql.configs['flat/schema-recommended'].rules,
      ...graphql.configs['flat/schema-relay'].rules,
      // Connections page forward only (`first`/`after`); edges and connections are not `Node`s.
      '@graphql-eslint/relay-arguments': ['error', { includeBoth: false }],
      '@graphql-eslint/relay-edge-types': ['error', { withEdgeSuffix: true, shouldImplementNode: false, listTypeCanWrapOnlyEdgeType: false }],
      // Every object a client caches has an `id: ID!`; payloads, pages and value objects have none.
      '@graphql-eslint/strict-id-in-types': [
        'error',
        {
          acceptedIdNames: ['id'],
          acceptedIdTypes: ['ID'],
          exceptions: {
            suffixes: ['Payload', 'Connection', 'Edge', 'Error', 'Result', 'Stats', 'Bucket', 'Breakdown', 'Series', 'Point', 'Sample', 'Count', 'Info'],
            types: ['Viewer', 'Integration', 'IngestIssue', 'EventReach', 'ViewInput', 'ViewOperation', 'ViewColumn', 'ViewRow', 'ViewPreview'],
          },
        },
      ],
      // `Event.eventId` is the caller's own idempotency key, named as in `EventInput` and the Hightouch mapping.
      '@graphql-eslint/no-typename-prefix': 'off',
      // One-line descriptions are inline strings, longer ones blocks.
      '@graphql-eslint/description-style': 'off',
      '@graphql-eslint/require-description': [
        'error',
        {
          types: true,
          rootField: true,
          DirectiveDefinition: true,
          FieldDefinition: true,
          InputValueDefinition: true,
          EnumValueDefinition: true,
        },
      ],
    },
  },
];
