import type { ApiKeyRow, WorkspaceRow } from '../db/schema.ts';

export const SCOPES = ['INGEST', 'READ', 'ADMIN'] as const;
export type Scope = (typeof SCOPES)[number];

/** The authenticated caller of one request. */
export interface Principal {
  workspace: WorkspaceRow;
  key: ApiKeyRow;
  /** Effective scopes: ADMIN expanded to all. */
  scopes: Scope[];
}

export type ViewerModel = Principal;

export interface IntegrationModel {
  kind: 'HIGHTOUCH';
  name: string;
  description: string;
  keys: ApiKeyRow[];
}

export function effectiveScopes(scopes: readonly string[]): Scope[] {
  if (scopes.includes('ADMIN')) return [...SCOPES];
  return SCOPES.filter((s) => scopes.includes(s));
}
