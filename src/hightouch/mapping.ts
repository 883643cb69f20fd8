import { DEFAULT_FIELDS } from '../catalog/fields.ts';
import type { ObjectKind } from '../vocabulary.ts';
import type { HightouchIngestPayloadFragment } from './gql/graphql.ts';
import type { HightouchObject } from './objects.ts';

/**
 * Translation between Hightouch's records (snake_case field ids, flat) and the GraphQL inputs
 * (camelCase default fields, everything else under `custom` / `properties`). Values are passed
 * through untouched: the mutations coerce and validate them per record.
 */

export type GraphQLRecord = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const keyByRestId: Record<ObjectKind, ReadonlyMap<string, string>> = {
  ACCOUNT: new Map(DEFAULT_FIELDS.ACCOUNT.map((field) => [field.restId, field.key])),
  USER: new Map(DEFAULT_FIELDS.USER.map((field) => [field.restId, field.key])),
  EVENT: new Map(DEFAULT_FIELDS.EVENT.map((field) => [field.restId, field.key])),
};

const restIdByKey: Record<ObjectKind, ReadonlyMap<string, string>> = {
  ACCOUNT: new Map(DEFAULT_FIELDS.ACCOUNT.map((field) => [field.key, field.restId])),
  USER: new Map(DEFAULT_FIELDS.USER.map((field) => [field.key, field.restId])),
  EVENT: new Map(DEFAULT_FIELDS.EVENT.map((field) => [field.key, field.restId])),
};

/**
 * One Hightouch record as a GraphQL input; null for anything that is not an object (the mutation
 * rejects it as INVALID_RECORD, keeping its position in the results). Absent keys stay absent
 * (leave the stored value) and nulls stay null (clear it). For events, a `properties` object is
 * also accepted and merged with the flat extra keys (flat keys win).
 * Objects are built with `Object.fromEntries`, so a `__proto__` key is data, never a prototype.
 */
export function toGraphQLRecord(object: HightouchObject, record: unknown): GraphQLRecord | null {
  if (!isPlainObject(record)) return null;
  const known: Array<[string, unknown]> = [];
  const nested: Array<[string, unknown]> = [];
  const extra: Array<[string, unknown]> = [];
  for (const [id, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const key = keyByRestId[object.kind].get(id);
    if (key !== undefined) known.push([key, value]);
    else if (object.kind === 'EVENT' && id === 'properties' && isPlainObject(value)) nested.push(...Object.entries(value));
    else extra.push([id, value]);
  }
  if (nested.length + extra.length > 0) known.push([object.extraKey, Object.fromEntries([...nested, ...extra])]);
  return Object.fromEntries(known);
}

/**
 * The ID of a record to delete: its identifier field. Strings and numbers pass (numbers as text,
 * like every lenient ID); anything else is null, which the mutation reports per record.
 */
export function toDeleteId(object: HightouchObject, record: unknown): string | null {
  if (!isPlainObject(record) || object.identifier === null) return null;
  const value = record[object.identifier];
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  return null;
}

/** A mutation's error field (`seats`, `custom.plan_tier`, `properties.amount`) as a Hightouch field id. */
export function toRestField(object: HightouchObject, field: string | null | undefined): string | null {
  if (field === null || field === undefined) return null;
  const prefix = `${object.extraKey}.`;
  if (field.startsWith(prefix)) return field.slice(prefix.length);
  return restIdByKey[object.kind].get(field) ?? field;
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

export type { RecordStatus } from '../ingest/records.ts';

/** What every ingestion call returns to the adapter (the `HightouchIngestPayload` fragment of operations.graphql). */
export type IngestPayload = HightouchIngestPayloadFragment;

export interface RestRecordResult {
  index: number;
  id: string | null;
  status: string;
  errors: Array<{ field: string | null; code: string; message: string }>;
}

/** The outcome's counts in the REST vocabulary (snake_case). */
export type RestSummary = { [K in keyof Omit<IngestPayload, 'results'> as K extends 'notFound' ? 'not_found' : K]: number };

export function toRestResponse(object: HightouchObject, payload: IngestPayload): { results: RestRecordResult[]; summary: RestSummary } {
  return {
    results: payload.results.map((result) => ({
      index: result.index,
      id: result.id,
      status: result.status.toLowerCase(),
      errors: result.errors.map((error) => ({ field: toRestField(object, error.field), code: error.code, message: error.message })),
    })),
    summary: {
      received: payload.received,
      created: payload.created,
      updated: payload.updated,
      unchanged: payload.unchanged,
      duplicate: payload.duplicate,
      deleted: payload.deleted,
      not_found: payload.notFound,
      rejected: payload.rejected,
    },
  };
}

export function emptyPayload(): IngestPayload {
  return { received: 0, created: 0, updated: 0, unchanged: 0, duplicate: 0, deleted: 0, notFound: 0, rejected: 0, results: [] };
}
