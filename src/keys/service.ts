import type { Database, Db, Queryable } from '../db/client.ts';
import type { ApiKeyRow, WorkspaceRow } from '../db/schema.ts';
import { characterLength, isStorableText } from '../text.ts';
import { effectiveScopes, type Principal, SCOPES, type Scope } from './models.ts';
import * as queries from './queries.ts';
import { displayPrefix, generateSecret, hashSecret, looksLikeSecret, newId } from './secrets.ts';

export interface KeyUserError {
  field: string[];
  message: string;
  code: 'INVALID' | 'NOT_FOUND' | 'ALREADY_DONE';
}

export interface NewKey {
  key: ApiKeyRow;
  /** The secret, to be shown exactly once. */
  secret: string;
}

export interface CreateKeyInput {
  name: string;
  scopes: readonly Scope[];
  integration?: 'HIGHTOUCH' | null | undefined;
  expiresAt?: Date | null | undefined;
}

/** Extract the secret from `Authorization: Bearer <key>`; undefined when absent or malformed. */
export function bearerSecret(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

// lastUsedAt is written at most once a minute per key and process (the SQL guard covers several processes).
const TOUCH_INTERVAL_MS = 60_000;
const lastTouched = new Map<string, number>();

function throttled(key: ApiKeyRow, column: 'lastUsedAt' | 'lastIngestAt', db: Db, now: Date): void {
  const slot = `${key.id}:${column}`;
  if (now.getTime() - (lastTouched.get(slot) ?? 0) < TOUCH_INTERVAL_MS) return;
  lastTouched.set(slot, now.getTime());
  // Best effort and off the request's critical path: a failed touch must not fail the request.
  queries.touchKey(db, key.workspaceId, key.id, column).catch(() => lastTouched.delete(slot));
}

/** Remember that data arrived through this key (the Integrations card's "last data received"). */
export function noteIngest(db: Db, key: ApiKeyRow, now = new Date()): void {
  throttled(key, 'lastIngestAt', db, now);
}

export async function authenticate(db: Db, secret: string | undefined, now = new Date()): Promise<Principal | undefined> {
  // The hash is computed for malformed secrets too, so timing does not tell them apart.
  const keyHash = hashSecret(secret ?? '');
  if (!secret || !looksLikeSecret(secret)) return undefined;
  const found = await queries.findKeyByHash(db, keyHash);
  if (!found) return undefined;
  const { key, workspace } = found;
  if (key.revokedAt || (key.expiresAt && key.expiresAt <= now)) return undefined;

  throttled(key, 'lastUsedAt', db, now);
  return { workspace, key, scopes: effectiveScopes(key.scopes) };
}

export function validateKeyInput(input: CreateKeyInput, now = new Date()): KeyUserError[] {
  const errors: KeyUserError[] = [];
  const name = input.name.trim();
  if (!isStorableText(name))
    errors.push({ field: ['input', 'name'], message: 'Name must be valid Unicode text without NUL characters.', code: 'INVALID' });
  else if (characterLength(name) < 1 || characterLength(name) > 100)
    errors.push({ field: ['input', 'name'], message: 'Name must be 1–100 characters.', code: 'INVALID' });
  if (input.scopes.length === 0) errors.push({ field: ['input', 'scopes'], message: 'Give the key at least one scope.', code: 'INVALID' });
  for (const scope of input.scopes) {
    if (!(SCOPES as readonly string[]).includes(scope))
      errors.push({ field: ['input', 'scopes'], message: `Unknown scope ${scope}.`, code: 'INVALID' });
  }
  if (input.expiresAt && input.expiresAt <= now)
    errors.push({ field: ['input', 'expiresAt'], message: 'expiresAt must be in the future.', code: 'INVALID' });
  return errors;
}

export async function createKey(q: Queryable, workspaceId: string, input: CreateKeyInput): Promise<NewKey> {
  const secret = generateSecret();
  const key = await queries.insertKey(q, {
    workspaceId,
    id: newId(),
    name: input.name.trim(),
    prefix: displayPrefix(secret),
    keyHash: hashSecret(secret),
    scopes: [...new Set(input.scopes)],
    integration: input.integration ?? null,
    expiresAt: input.expiresAt ?? null,
  });
  return { key, secret };
}

/** The key with this id, or undefined; an id no key can have (NUL, lone surrogate) is not looked up. */
function findKey(q: Queryable, workspaceId: string, id: string) {
  return isStorableText(id) ? queries.findKey(q, workspaceId, id) : undefined;
}

export async function rotateKey(q: Queryable, workspaceId: string, id: string): Promise<NewKey | KeyUserError> {
  const existing = await findKey(q, workspaceId, id);
  if (!existing) return { field: ['input', 'id'], message: 'No API key with this id in this workspace.', code: 'NOT_FOUND' };
  if (existing.revokedAt) return { field: ['input', 'id'], message: 'A revoked key cannot be rotated; create a new one.', code: 'INVALID' };
  const secret = generateSecret();
  const key = await queries.updateKey(q, workspaceId, id, { keyHash: hashSecret(secret), prefix: displayPrefix(secret) });
  return { key: key!, secret };
}

export async function revokeKey(q: Queryable, workspaceId: string, id: string): Promise<ApiKeyRow | KeyUserError> {
  const existing = await findKey(q, workspaceId, id);
  if (!existing) return { field: ['input', 'id'], message: 'No API key with this id in this workspace.', code: 'NOT_FOUND' };
  if (existing.revokedAt) return { field: ['input', 'id'], message: 'This key is already revoked.', code: 'ALREADY_DONE' };
  return (await queries.updateKey(q, workspaceId, id, { revokedAt: new Date() }))!;
}

export async function createWorkspace(db: Db, name: string): Promise<{ workspace: WorkspaceRow } & NewKey> {
  return db.transaction(async (tx) => {
    const workspace = await queries.insertWorkspace(tx, { id: newId(), name });
    const created = await createKey(tx, workspace.id, { name: 'Admin', scopes: ['ADMIN'] });
    return { workspace, ...created };
  });
}

/**
 * First run: when the database holds no workspace, create "Default" with an admin key and return
 * the secret (the caller prints it once). Returns undefined on every later start. Call it through
 * `startUp` when other instances may start at the same time.
 */
export async function bootstrap(db: Db): Promise<({ workspace: WorkspaceRow } & NewKey) | undefined> {
  if ((await queries.countWorkspaces(db)) > 0) return undefined;
  return createWorkspace(db, 'Default');
}

/**
 * Migrate, then bootstrap under the same lock: two instances starting together on an empty
 * PostgreSQL database would otherwise both count zero workspaces and both create "Default".
 */
export async function startUp(database: Database): Promise<({ workspace: WorkspaceRow } & NewKey) | undefined> {
  return database.migrate(() => bootstrap(database.db));
}

export function keyStatus(key: ApiKeyRow, now = new Date()): 'ACTIVE' | 'REVOKED' | 'EXPIRED' {
  if (key.revokedAt) return 'REVOKED';
  if (key.expiresAt && key.expiresAt <= now) return 'EXPIRED';
  return 'ACTIVE';
}
