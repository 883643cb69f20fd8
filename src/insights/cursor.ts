import { createHash } from 'node:crypto';
import { badUserInput } from '../errors.ts';
import { isStorableText } from '../text.ts';

/** A sortable value a cursor can carry. */
export type CursorValue = string | number | boolean | null;

/** What a cursor encodes: the ordering it belongs to, the last row's order value and its ID. */
export interface CursorPayload {
  /** Fingerprint of the ordering, so a cursor from another ordering is refused instead of silently misread. */
  o: string;
  v: CursorValue;
  id: string;
}

/**
 * Cursors carry values only (never a workspace or row handle): the query that reads them still
 * filters by the caller's workspace, so a cursor from another workspace can at most position a
 * page, never reveal anything.
 */
export function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify([payload.o, payload.v, payload.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, ordering: string): { v: CursorValue; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalidCursor();
  const [o, v, id] = parsed as unknown[];
  if (typeof o !== 'string' || typeof id !== 'string' || !isStorableText(id)) throw invalidCursor();
  if (typeof v === 'string' && !isStorableText(v)) throw invalidCursor();
  if (!(v === null || ['string', 'number', 'boolean'].includes(typeof v))) throw invalidCursor();
  if (typeof v === 'number' && !Number.isFinite(v)) throw invalidCursor();
  if (o !== ordering)
    throw badUserInput('This cursor belongs to a different ordering; start again without `after`.', { argument: 'after' });
  return { v: v as CursorValue, id };
}

/** A short, stable fingerprint of an ordering description. */
export function orderingFingerprint(description: unknown): string {
  return createHash('sha256').update(JSON.stringify(description)).digest('base64url').slice(0, 12);
}

function invalidCursor() {
  return badUserInput('Invalid cursor: pass an `endCursor` or edge `cursor` returned by this API.', { argument: 'after' });
}
