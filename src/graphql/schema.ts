import { readFileSync } from 'node:fs';

/** schema.graphql is the single source of truth for the API; it is read as-is at start-up. */
export const typeDefs = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
