/**
 * What does a warehouse column mean? Hightouch syncs Accounts, Users and Events with whatever
 * column names the customer's warehouse happens to use, and the product has to build views
 * without asking anyone to configure a mapping. The catalog guesses a column's value type from
 * sample values (this module), and its business meaning from its name (`semantics.ts`, over the
 * words `tokens.ts` splits a key into).
 *
 * Pure and dependency-free on purpose: it runs at ingest time, in tests and in scripts alike.
 */

import type { FieldType } from '../vocabulary.ts';

// The shared vocabulary lives on the ground floor (src/vocabulary.ts); re-exported for old imports.
export type { FieldType, ObjectKind, RecordKind } from '../vocabulary.ts';

export const SEMANTIC_TYPES = [
  'COMPANY_NAME',
  'DOMAIN',
  'WEBSITE',
  'EMAIL',
  'PHONE',
  'FULL_NAME',
  'FIRST_NAME',
  'LAST_NAME',
  'JOB_TITLE',
  'ROLE',
  'SEATS',
  'EMPLOYEE_COUNT',
  'REGION',
  'COUNTRY',
  'STATE',
  'CITY',
  'TIMEZONE',
  'PLAN',
  'MRR',
  'ARR',
  'REVENUE',
  'INDUSTRY',
  'CREATED_AT',
  'UPDATED_AT',
  'LAST_SEEN_AT',
  'RENEWAL_DATE',
  'TRIAL_ENDS_AT',
  'OWNER',
  'LIFECYCLE_STAGE',
  'HEALTH_SCORE',
  'ACCOUNT_ID',
  'USER_ID',
] as const;
export type SemanticType = (typeof SEMANTIC_TYPES)[number];

// ---------------------------------------------------------------------------------------------
// Value types
// ---------------------------------------------------------------------------------------------

/** Canonical numbers only: a leading zero ("02139", "007") means an identifier or a code, not a quantity. */
const NUMERIC = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * ISO-8601 calendar date, optionally with a time and offset. A space instead of "T" is accepted
 * because that is how Snowflake, BigQuery and Postgres print timestamps when cast to text.
 * Groups: year, month, day, hour, minute, second, offset hour, offset minute.
 */
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

/** Pragmatic RFC 5322 subset: what real mailboxes look like, without quoted local parts or IP literals. */
const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** A mail domain needs a real TLD: "ada@localhost" is not a customer's e-mail. */
const EMAIL_DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/** http(s) only: other schemes (mailto:, ftp:, s3:) are not something we can link a user to. */
const HTTP_URL =
  /^https?:\/\/(?:[^\s/?#@]+@)?(?:\[[0-9a-f:.]+\]|(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)*[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)(?::\d{1,5})?(?:[/?#]\S*)?$/iu;

/** Nothing we recognise is this long (URLs in practice stay under 2k); it also bounds regex work on blobs. */
const MAX_PATTERN_LENGTH = 2048;

/**
 * Type of one already-normalized JSON value; null means "no information".
 *
 * Decisions beyond the obvious:
 * - NaN/±Infinity (and numeric strings that overflow, like "1e999") carry no usable measurement;
 *   non-finite numbers are null so one bad sample cannot turn a numeric column into MIXED,
 *   overflowing strings are STRING because they are not representable as a NUMBER.
 * - Strings are trimmed first (CHAR padding, CSV exports); "" and whitespace-only strings are null,
 *   since warehouses routinely use them for "missing".
 * - Date instances (not JSON, but handy from drivers) are DATETIME; other objects/arrays are STRING.
 */
export function inferValueType(value: unknown): FieldType | null {
  switch (typeof value) {
    case 'undefined':
      return null;
    case 'number':
      return Number.isFinite(value) ? 'NUMBER' : null;
    case 'bigint':
      return 'NUMBER';
    case 'boolean':
      return 'BOOLEAN';
    case 'string':
      return inferStringType(value);
    default:
      if (value === null) return null;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : 'DATETIME';
      return 'STRING';
  }
}

function inferStringType(raw: string): FieldType | null {
  const s = raw.trim();
  if (s === '') return null;
  if (s.length > MAX_PATTERN_LENGTH) return 'STRING';
  const lower = s.toLowerCase();
  if (lower === 'true' || lower === 'false') return 'BOOLEAN';
  if (NUMERIC.test(s)) return Number.isFinite(Number(s)) ? 'NUMBER' : 'STRING';
  if (isIsoDateTime(s)) return 'DATETIME';
  if (isEmail(s)) return 'EMAIL';
  if (HTTP_URL.test(s)) return 'URL';
  return 'STRING';
}

export function isIsoDateTime(s: string): boolean {
  return parseIsoDateTime(s) !== null;
}

/**
 * The one ISO-8601 reader of the service (catalog typing, stored values, filters, event times):
 * the instant in epoch ms, or null when the text is not a valid date-time. Accepts a date alone
 * (midnight UTC), a date-time without offset (UTC), `Z`, and offsets `+02`, `+0200`, `+02:00`;
 * `T`, `t` or a space between date and time; a fraction after `.` or `,` (read to the millisecond).
 * JavaScript's `Date.parse` rejects some of these (`+02`, `,5`), so it is never used on input.
 */
export function parseIsoDateTime(s: string): number | null {
  const m = ISO_DATETIME.exec(s);
  if (!m) return null;
  const part = (i: number): number => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map(part) as [number, number, number, number, number, number];
  const [offsetHours, offsetMinutes] = [part(9), part(10)];
  // The shape alone would accept 2023-02-29 or 24:61; those are typos or sentinels, not timestamps.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const ms = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const offset = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  return date.getTime() - offset;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isEmail(s: string): boolean {
  if (s.length > 254) return false;
  const at = s.lastIndexOf('@');
  const local = s.slice(0, at);
  return at > 0 && local.length <= 64 && EMAIL_LOCAL.test(local) && EMAIL_DOMAIN.test(s.slice(at + 1));
}

/** EMAIL and URL are refinements of STRING; the rest are unrelated to each other. */
export const TEXT_TYPES: readonly FieldType[] = ['STRING', 'EMAIL', 'URL'];
const TEXTUAL: ReadonlySet<FieldType | null> = new Set<FieldType | null>(TEXT_TYPES);

/** Whether values of this type are text (compared as text, kept as text when they look like numbers). */
export const isTextType = (type: FieldType | null | undefined): type is 'STRING' | 'EMAIL' | 'URL' => TEXTUAL.has(type ?? null);

/**
 * Join of two observations in the lattice  EMAIL, URL ≤ STRING ≤ MIXED  and  NUMBER, BOOLEAN, DATETIME ≤ MIXED.
 * EMAIL + URL gives STRING (not MIXED): both are still text, and it is what keeps the merge
 * associative — otherwise (EMAIL+URL)+STRING = MIXED but EMAIL+(URL+STRING) = STRING, and a
 * column's type would depend on sample order.
 */
export function mergeTypes(a: FieldType | null, b: FieldType | null): FieldType | null {
  if (a === null) return b;
  if (b === null || a === b) return a;
  if (isTextType(a) && isTextType(b)) return 'STRING';
  return 'MIXED';
}

/** Fold of inferValueType + mergeTypes; null when no sample carries information. */
export function inferType(values: readonly unknown[]): FieldType | null {
  let type: FieldType | null = null;
  for (const value of values) {
    type = mergeTypes(type, inferValueType(value));
    if (type === 'MIXED') break; // absorbing: nothing later can change it
  }
  return type;
}
