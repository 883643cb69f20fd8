import { inferValueType, isEmail, isTextType, parseIsoDateTime } from '../catalog/inference.ts';
import { characterLength, isStorableText, MAX_ID_LENGTH } from '../text.ts';
import type { FieldType } from '../vocabulary.ts';

export { isStorableText };

/**
 * Value coercion for ingested records. Warehouses send numbers as strings, timestamps as ISO
 * strings or epoch numbers, and nulls everywhere: coerce what is unambiguous, report the rest.
 * Every function is pure and returns either a value or an error code with a message.
 */

export type RecordErrorCode =
  | 'REQUIRED'
  | 'INVALID_RECORD'
  | 'INVALID_EMAIL'
  | 'INVALID_TIMESTAMP'
  | 'TIMESTAMP_OUT_OF_RANGE'
  | 'TYPE_MISMATCH'
  | 'INVALID_NUMBER'
  | 'VALUE_TOO_LONG'
  | 'TOO_MANY_FIELDS'
  | 'INVALID_FIELD_KEY'
  | 'TOO_MANY_NEW_FIELDS'
  | 'FIELD_LIMIT_REACHED';

export interface Problem {
  code: RecordErrorCode;
  message: string;
}

export type Scalar = string | number | boolean;
export type Coerced<T> = { ok: true; value: T } | { ok: false; problem: Problem };

const ok = <T>(value: T): Coerced<T> => ({ ok: true, value });
const fail = (code: RecordErrorCode, message: string): Coerced<never> => ({ ok: false, problem: { code, message } });

const NUMERIC = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** Epoch numbers below this magnitude are seconds, at or above it milliseconds (1e11 s is the year 5138; 1e11 ms is 1973). */
export const EPOCH_MS_THRESHOLD = 100_000_000_000;
export const MIN_EVENT_TIME = Date.UTC(2000, 0, 1);
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function utf8Length(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

export function toText(value: unknown, maxBytes: number): Coerced<string> {
  let text: string;
  if (typeof value === 'string') {
    if (!isStorableText(value)) return fail('TYPE_MISMATCH', 'Text must be valid Unicode without NUL characters.');
    text = value.trim();
  } else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else if (typeof value === 'boolean') text = String(value);
  else return fail('TYPE_MISMATCH', `Expected text, got ${describe(value)}.`);
  if (utf8Length(text) > maxBytes) return fail('VALUE_TOO_LONG', `Longer than ${maxBytes} bytes.`);
  return ok(text);
}

/**
 * An identifier (record ID, reference, event name or eventId): storable text, trimmed, at most
 * MAX_ID_LENGTH characters (code points, not bytes). Record IDs are further normalised by `normalizeId`.
 */
export function toId(value: unknown, field: string): Coerced<string> {
  const text = toText(value, MAX_ID_LENGTH * 4);
  if (!text.ok) return text.problem.code === 'VALUE_TOO_LONG' ? tooLongId(field) : text;
  return characterLength(text.value) > MAX_ID_LENGTH ? tooLongId(field) : text;
}

const tooLongId = (field: string) => fail('VALUE_TOO_LONG', `${field} has at most ${MAX_ID_LENGTH} characters.`);

export function toNumber(value: unknown): Coerced<number> {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? ok(value) : fail('INVALID_NUMBER', 'Expected a finite number.');
  }
  if (typeof value === 'string' && NUMERIC.test(value.trim())) {
    const n = Number(value.trim());
    return Number.isFinite(n) ? ok(n) : fail('INVALID_NUMBER', 'The number is out of range.');
  }
  return fail('TYPE_MISMATCH', `Expected a number, got ${describe(value)}.`);
}

export function toCount(value: unknown): Coerced<number> {
  const n = toNumber(value);
  if (!n.ok) return n;
  if (!Number.isInteger(n.value) || n.value < 0 || n.value > Number.MAX_SAFE_INTEGER) {
    return fail('INVALID_NUMBER', `Expected a whole number ≥ 0, got ${n.value}.`);
  }
  return n;
}

export function toBoolean(value: unknown): Coerced<boolean> {
  if (typeof value === 'boolean') return ok(value);
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return ok(true);
    if (lower === 'false') return ok(false);
  }
  return fail('TYPE_MISMATCH', `Expected true or false, got ${describe(value)}.`);
}

export function toEmail(value: unknown): Coerced<string> {
  const text = toText(value, 254);
  if (!text.ok)
    return text.problem.code === 'VALUE_TOO_LONG' ? fail('INVALID_EMAIL', 'An e-mail address has at most 254 characters.') : text;
  return isEmail(text.value) ? ok(text.value) : fail('INVALID_EMAIL', `${capitalized(describe(value))} is not a valid e-mail address.`);
}

export function toUrl(value: unknown, maxBytes: number): Coerced<string> {
  const text = toText(value, maxBytes);
  if (!text.ok) return text;
  return inferValueType(text.value) === 'URL' ? text : fail('TYPE_MISMATCH', `Expected an http(s) URL, got ${describe(value)}.`);
}

/**
 * A point in time from an ISO-8601 string (an offset-less date-time is read as UTC, a date as
 * midnight UTC) or an epoch number / numeric string (magnitude rule: |n| < 1e11 → seconds, else
 * milliseconds). Returns the instant as a Date.
 */
export function toInstant(value: unknown): Coerced<Date> {
  let ms: number;
  if (typeof value === 'number' || (typeof value === 'string' && NUMERIC.test(value.trim()))) {
    const n = Number(value);
    if (!Number.isFinite(n)) return fail('INVALID_TIMESTAMP', 'The epoch number is out of range.');
    ms = Math.abs(n) < EPOCH_MS_THRESHOLD ? n * 1000 : n;
  } else if (typeof value === 'string') {
    const parsed = parseIsoDateTime(value.trim());
    if (parsed === null) return fail('INVALID_TIMESTAMP', `${capitalized(describe(value))} is not an ISO-8601 timestamp or epoch number.`);
    ms = parsed;
  } else {
    return fail('INVALID_TIMESTAMP', `Expected a timestamp, got ${describe(value)}.`);
  }
  const date = new Date(ms);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) {
    return fail('INVALID_TIMESTAMP', `${capitalized(describe(value))} is not a representable point in time.`);
  }
  return ok(date);
}

/** An event time: a valid instant between 2000-01-01 and 24 hours after `now`. */
export function toEventTime(value: unknown, now: Date): Coerced<Date> {
  const instant = toInstant(value);
  if (!instant.ok) return instant;
  const ms = instant.value.getTime();
  if (ms < MIN_EVENT_TIME) return fail('TIMESTAMP_OUT_OF_RANGE', `${instant.value.toISOString()} is before 2000-01-01.`);
  if (ms > now.getTime() + MAX_FUTURE_MS)
    return fail('TIMESTAMP_OUT_OF_RANGE', `${instant.value.toISOString()} is more than 24 hours in the future.`);
  return instant;
}

/**
 * A custom field value under the field's known type (declared, else inferred so far; null when
 * the field is new). Scalars only. Strings that unambiguously hold a number, boolean or date-time
 * are stored as such unless the field is known to be text; date-times are stored as normalized
 * ISO strings so they compare correctly.
 */
export function toCustomValue(value: unknown, known: FieldType | null, declared: boolean, maxBytes: number): Coerced<Scalar> {
  if (value !== null && typeof value === 'object')
    return fail('TYPE_MISMATCH', `Custom values must be text, numbers, booleans or null, got ${describe(value)}.`);
  if (typeof value === 'number' && !Number.isFinite(value)) return fail('INVALID_NUMBER', 'Expected a finite number.');
  if (declared && known) return toDeclared(value, known, maxBytes);
  if (typeof value === 'string') {
    const text = toText(value, maxBytes);
    if (!text.ok) return text;
    if (isTextType(known)) return text;
    switch (inferValueType(text.value)) {
      case 'NUMBER':
        return toNumber(text.value);
      case 'BOOLEAN':
        return toBoolean(text.value);
      case 'DATETIME': {
        const instant = toInstant(text.value);
        return instant.ok ? ok(instant.value.toISOString()) : text;
      }
      default:
        return text;
    }
  }
  if (typeof value === 'number' || typeof value === 'boolean') return ok(value);
  return fail('TYPE_MISMATCH', `Unsupported value ${describe(value)}.`);
}

function toDeclared(value: unknown, type: FieldType, maxBytes: number): Coerced<Scalar> {
  const mismatch = (r: Coerced<Scalar>): Coerced<Scalar> =>
    r.ok ? r : fail('TYPE_MISMATCH', `This field is declared ${type}: ${r.problem.message}`);
  switch (type) {
    case 'NUMBER':
      return mismatch(toNumber(value));
    case 'BOOLEAN':
      return mismatch(toBoolean(value));
    case 'DATETIME': {
      const instant = toInstant(value);
      return instant.ok ? ok(instant.value.toISOString()) : mismatch(instant);
    }
    case 'EMAIL':
      return mismatch(toEmail(value));
    case 'URL':
      return mismatch(toUrl(value, maxBytes));
    case 'STRING':
      return toText(value, maxBytes);
    case 'MIXED':
      return typeof value === 'string' ? toText(value, maxBytes) : ok(value as Scalar);
  }
}

const FIELD_KEY = /^[A-Za-z0-9 _\-.()/]+$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a custom field key is not acceptable, or undefined when it is. */
export function fieldKeyProblem(key: string, maxLength: number, reserved: ReadonlySet<string>): string | undefined {
  if (key.trim() === '') return 'Field keys must not be empty.';
  if (key.length > maxLength) return `Field keys have at most ${maxLength} characters.`;
  if (key.startsWith('$')) return 'Field keys must not start with "$".';
  if (!FIELD_KEY.test(key)) return 'Field keys may contain letters, digits, spaces and _ - . ( ) / only.';
  if (FORBIDDEN_KEYS.has(key)) return `"${key}" is not allowed as a field key.`;
  if (reserved.has(key)) return `"${key}" is a default field: send it as the typed field, not in custom fields.`;
  return undefined;
}
