/**
 * Rules for text the service stores or looks up, shared by every door (ingestion, reads, keys).
 * Identifiers are compared after one normalisation, the same on write and on read.
 */

/** NUL characters and unpaired UTF-16 surrogates cannot be stored as text (or in jsonb) by PostgreSQL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** The text with what PostgreSQL cannot store replaced by U+FFFD (for echoing input back, e.g. in the rejection log). */
export function toStorableText(value: string): string {
  return value.replace(new RegExp(UNSTORABLE.source, 'g'), '\uFFFD');
}

/** IDs and event names: long enough for any warehouse key, short enough to index. In characters (code points). */
export const MAX_ID_LENGTH = 256;

/** Length in characters (Unicode code points): `€` and `😀` count one each, whatever their UTF-8 or UTF-16 size. */
export function characterLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/**
 * The canonical form of an account or user ID: surrounding white space removed and Unicode NFC
 * (`café` typed as e + combining accent is the same ID as the precomposed `é`). Applied to IDs on
 * write (records, references) and on every lookup, so a value that was accepted can be found again.
 * Only call it on storable text (NFC of a lone surrogate is undefined).
 */
export function normalizeId(value: string): string {
  return value.trim().normalize('NFC');
}

/**
 * An ID argument of a read or admin operation, normalised; null when no record can have it (it
 * holds NUL or a lone surrogate, or is longer than any stored ID), so the caller answers
 * "not found" instead of sending it to the database.
 */
export function lookupId(value: string): string | null {
  if (!isStorableText(value)) return null;
  const id = normalizeId(value);
  return characterLength(id) <= MAX_ID_LENGTH ? id : null;
}
