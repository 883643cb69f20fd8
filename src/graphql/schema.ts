import { readFileSync } from 'node:fs';
import { fromRoot } from '../files.ts';

/** schema.graphql is the single source of truth for the API; it is read as-is at start-up. */
export const typeDefs = readFileSync(fromRoot('schema.graphql'), 'utf8');
