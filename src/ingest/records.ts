import { createHash } from 'node:crypto';
import { DEFAULT_FIELDS, type DefaultField } from '../catalog/fields.ts';
import { inferValueType } from '../catalog/inference.ts';
import { normalizeId } from '../text.ts';
import type { FieldType, ObjectKind, RecordKind } from '../vocabulary.ts';
import {
  type Coerced,
  fieldKeyProblem,
  type Problem,
  type RecordErrorCode,
  type Scalar,
  toCount,
  toCustomValue,
  toEmail,
  toEventTime,
  toId,
  toInstant,
  toNumber,
  toText,
} from './values.ts';

/**
 * Validation and normalization of one input record, without I/O. Every problem of a record is
 * collected (not just the first), each with the field at fault in the input's own naming.
 */

export interface Limits {
  maxFieldsPerRecord: number;
  maxFieldKeyLength: number;
  maxValueBytes: number;
}

/** What the catalog already knows about a custom field (declared type is enforced). */
export interface KnownField {
  type: FieldType | null;
  declared: boolean;
}

export interface ValidationContext {
  limits: Limits;
  /** Known custom fields of the record's object, by key. */
  known: ReadonlyMap<string, KnownField>;
  now: Date;
}

export interface RecordError {
  field: string | null;
  code: RecordErrorCode;
  message: string;
}

export type RecordStatus = 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'DUPLICATE' | 'DELETED' | 'NOT_FOUND' | 'REJECTED';

/** The outcome of one record of a batch, at its index in the batch. */
export interface RecordResult {
  index: number;
  id: string | null;
  status: RecordStatus;
  errors: RecordError[];
}

/** Field key → inferred type of the value received (null for an explicit null). */
export type Observations = Map<string, FieldType | null>;

export interface DimensionRecord {
  id: string;
  /** The fields this record carries: a value sets, null clears. Keys as stored in `dims`. */
  patch: Record<string, Scalar | null>;
  observed: Observations;
}

export interface EventRecord {
  dedupKey: string;
  eventId: string | null;
  name: string;
  timestamp: Date;
  userId: string;
  accountId: string | null;
  properties: Record<string, Scalar>;
  observed: Observations;
}

export type Validated<T> = { ok: true; record: T } | { ok: false; id: string | null; errors: RecordError[] };

/** Default number fields that count things: whole numbers ≥ 0. */
const COUNT_FIELDS = new Set(['employeeCount', 'seats']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function problemAt(field: string | null, problem: Problem): RecordError {
  return { field, code: problem.code, message: problem.message };
}

/** An identifier as sent (trimmed), or null with the problem recorded. */
function identifier(value: unknown, field: string, errors: RecordError[], required: boolean): string | null {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    if (required) errors.push({ field, code: 'REQUIRED', message: 'A value is required.' });
    return null;
  }
  const text = toId(value, field);
  if (!text.ok) {
    errors.push(problemAt(field, text.problem));
    return null;
  }
  return text.value;
}

function coerceDefault(field: DefaultField, value: unknown, limits: Limits): Coerced<Scalar> {
  if (field.key === 'accountId') {
    // A reference obeys the rules of the ID it points to.
    const id = toId(value, field.key);
    return id.ok ? { ok: true, value: normalizeId(id.value) } : id;
  }
  switch (field.type) {
    case 'NUMBER':
      return COUNT_FIELDS.has(field.key) ? toCount(value) : toNumber(value);
    case 'EMAIL':
      return toEmail(value);
    case 'DATETIME': {
      const instant = toInstant(value);
      return instant.ok ? { ok: true, value: instant.value.toISOString() } : instant;
    }
    default:
      return toText(value, limits.maxValueBytes);
  }
}

/** Custom fields (`custom` / `properties`): key rules, value coercion, declared types. */
function customFields(
  object: ObjectKind,
  input: unknown,
  container: string,
  ctx: ValidationContext,
  errors: RecordError[],
  out: Record<string, Scalar | null>,
  observed: Observations,
): number {
  if (input === undefined || input === null) return 0;
  if (!isObject(input)) {
    errors.push({ field: container, code: 'TYPE_MISMATCH', message: `${container} must be an object of field → value.` });
    return 0;
  }
  const reserved = RESERVED_KEYS[object];
  const entries = Object.entries(input);
  for (const [key, value] of entries) {
    const field = `${container}.${key}`;
    const keyProblem = fieldKeyProblem(key, ctx.limits.maxFieldKeyLength, reserved);
    if (keyProblem) {
      errors.push({ field, code: 'INVALID_FIELD_KEY', message: keyProblem });
      continue;
    }
    observed.set(key, null);
    if (value === null || value === undefined) {
      out[key] = null;
      continue;
    }
    const known = ctx.known.get(key);
    const coerced = toCustomValue(value, known?.type ?? null, known?.declared ?? false, ctx.limits.maxValueBytes);
    if (!coerced.ok) {
      errors.push(problemAt(field, coerced.problem));
      continue;
    }
    if (typeof coerced.value === 'string' && coerced.value === '') {
      out[key] = null;
      continue;
    }
    out[key] = coerced.value;
    observed.set(key, inferValueType(coerced.value));
  }
  return entries.length;
}

/** Keys a custom field may not take: the object's default fields, in both namings. */
const RESERVED_KEYS: Record<ObjectKind, ReadonlySet<string>> = {
  ACCOUNT: new Set(DEFAULT_FIELDS.ACCOUNT.flatMap((f) => [f.key, f.restId])),
  USER: new Set(DEFAULT_FIELDS.USER.flatMap((f) => [f.key, f.restId])),
  EVENT: new Set(DEFAULT_FIELDS.EVENT.flatMap((f) => [f.key, f.restId])),
};

/** An account or user record. Required-on-create fields are checked later, against what exists. */
export function validateDimensionRecord(object: RecordKind, input: unknown, ctx: ValidationContext): Validated<DimensionRecord> {
  if (!isObject(input)) {
    return { ok: false, id: null, errors: [{ field: null, code: 'INVALID_RECORD', message: 'Each record must be an object.' }] };
  }
  const errors: RecordError[] = [];
  const given = identifier(input.id, 'id', errors, true);
  const id = given === null ? null : normalizeId(given);
  const patch: Record<string, Scalar | null> = {};
  const observed: Observations = new Map();
  let fieldCount = 0;

  for (const field of DEFAULT_FIELDS[object]) {
    if (field.identifier || !(field.key in input)) continue;
    const value = input[field.key];
    if (value === undefined) continue;
    fieldCount++;
    observed.set(field.key, null);
    if (value === null || (typeof value === 'string' && value.trim() === '')) {
      patch[field.key] = null;
      continue;
    }
    const coerced = coerceDefault(field, value, ctx.limits);
    if (!coerced.ok) {
      errors.push(problemAt(field.key, coerced.problem));
      continue;
    }
    patch[field.key] = coerced.value;
    observed.set(field.key, field.type);
  }

  fieldCount += customFields(object, input.custom, 'custom', ctx, errors, patch, observed);
  if (fieldCount > ctx.limits.maxFieldsPerRecord) {
    errors.push({
      field: 'custom',
      code: 'TOO_MANY_FIELDS',
      message: `A record has at most ${ctx.limits.maxFieldsPerRecord} fields; this one has ${fieldCount}.`,
    });
  }
  if (errors.length > 0 || id === null) return { ok: false, id, errors };
  return { ok: true, record: { id, patch, observed } };
}

export function validateEvent(input: unknown, ctx: ValidationContext): Validated<EventRecord> {
  if (!isObject(input)) {
    return { ok: false, id: null, errors: [{ field: null, code: 'INVALID_RECORD', message: 'Each record must be an object.' }] };
  }
  const errors: RecordError[] = [];
  const name = identifier(input.name, 'name', errors, true);
  const userId = identifier(input.userId, 'userId', errors, true);
  const accountId = identifier(input.accountId, 'accountId', errors, false);
  const eventId = identifier(input.eventId, 'eventId', errors, false);
  let timestamp: Date | null = null;
  if (input.timestamp === undefined || input.timestamp === null || input.timestamp === '') {
    errors.push({ field: 'timestamp', code: 'REQUIRED', message: 'A value is required.' });
  } else {
    const time = toEventTime(input.timestamp, ctx.now);
    if (time.ok) timestamp = time.value;
    else errors.push(problemAt('timestamp', time.problem));
  }
  const raw: Record<string, Scalar | null> = {};
  const observed: Observations = new Map();
  const count = customFields('EVENT', input.properties, 'properties', ctx, errors, raw, observed);
  if (count > ctx.limits.maxFieldsPerRecord) {
    errors.push({
      field: 'properties',
      code: 'TOO_MANY_FIELDS',
      message: `An event has at most ${ctx.limits.maxFieldsPerRecord} properties; this one has ${count}.`,
    });
  }
  if (errors.length > 0 || !name || !userId || !timestamp) return { ok: false, id: eventId, errors };

  // On events a null property simply means "no value".
  const properties: Record<string, Scalar> = {};
  for (const key of Object.keys(raw).sort()) {
    const value = raw[key];
    if (value !== null && value !== undefined) properties[key] = value;
  }
  // The content hash covers the IDs as sent (before NFC), so replays of events stored before IDs
  // were normalised still hash to their stored key.
  const dedupKey = eventId === null ? contentKey(name, userId, timestamp, accountId, properties) : eventIdKey(eventId);
  return {
    ok: true,
    record: {
      dedupKey,
      eventId,
      name,
      timestamp,
      userId: normalizeId(userId),
      accountId: accountId === null ? null : normalizeId(accountId),
      properties,
      observed,
    },
  };
}

/** The shape of a content key (`contentKey`). */
const CONTENT_KEY = /^h:[0-9a-f]{64}$/;
const ESCAPE = 'id:';

/**
 * The dedup key of an event with a client eventId: the eventId itself, except that an eventId
 * shaped like a content key (`h:<64 hex>`) or starting with `id:` is prefixed with `id:`. Content
 * keys and eventId keys can then never be equal (the two key spaces are disjoint), and the keys of
 * all other eventIds — everything stored before this rule — are unchanged. Migration 0003 re-keys
 * the stored events the rule prefixes.
 */
export function eventIdKey(eventId: string): string {
  return CONTENT_KEY.test(eventId) || eventId.startsWith(ESCAPE) ? `${ESCAPE}${eventId}` : eventId;
}

/**
 * The dedup key of an event without an eventId: a hash of its canonical content, so a replay of
 * the same row is recognised forever, whatever batch or order it arrives in.
 */
export function contentKey(
  name: string,
  userId: string,
  timestamp: Date,
  accountId: string | null,
  properties: Record<string, Scalar>,
): string {
  const canonical = JSON.stringify([
    name,
    userId,
    timestamp.toISOString(),
    accountId,
    Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);
  return `h:${createHash('sha256').update(canonical).digest('hex')}`;
}
