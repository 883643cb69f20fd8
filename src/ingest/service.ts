import { DEFAULT_FIELDS, defaultField, requiredOnCreate } from '../catalog/fields.ts';
import { mergeTypes } from '../catalog/inference.ts';
import { countCustomFields, type KnownField, loadKnownFields, recordObservations } from '../catalog/registry.ts';
import { queueChanges } from '../catalog/statistics.ts';
import type { Config } from '../config.ts';
import type { FoldService } from '../context.ts';
import type { Db, Queryable, Tx } from '../db/client.ts';
import type { Dimensions } from '../db/schema.ts';
import { batchTooLarge } from '../errors.ts';
import * as rollups from '../rollups/statements.ts';
import { normalizeId } from '../text.ts';
import { guarded, inTransaction } from '../transaction.ts';
import type { FieldType, ObjectKind, RecordKind } from '../vocabulary.ts';
import { collectIssues, writeIssues } from './issues.ts';
import * as sql from './queries.ts';
import type { RecordResult, RecordStatus } from './records.ts';
import { type EventRecord, type RecordError, validateDimensionRecord, validateEvent } from './records.ts';
import { fieldKeyProblem, type Scalar, toId } from './values.ts';

const NO_RESERVED: ReadonlySet<string> = new Set();

/**
 * Ingestion: validate every record (collecting all its problems), then apply the accepted ones in
 * one transaction with a constant number of statements, and report one result per input record in
 * input order. Valid records are stored even when others in the call are rejected.
 */

export interface IngestOutcome {
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  duplicate: number;
  deleted: number;
  notFound: number;
  rejected: number;
  results: RecordResult[];
}

export interface IngestEnv {
  db: Db;
  workspaceId: string;
  limits: Config['limits'];
  /** Applies what is derived from the stored records, after the call's transaction (src/rollups). */
  folder: Pick<FoldService, 'eventsStored' | 'recordsChanged'>;
  /** The call's instant (the server's clock): rejection log times, catalog last-seen times, validation. */
  now: Date;
}

export type UpsertMode = 'UPSERT' | 'UPDATE_ONLY';

/** The field a record must carry to be created (and may never clear). */

export function summarize(results: RecordResult[]): IngestOutcome {
  const count = (status: RecordStatus) => results.filter((r) => r.status === status).length;
  return {
    received: results.length,
    created: count('CREATED'),
    updated: count('UPDATED'),
    unchanged: count('UNCHANGED'),
    duplicate: count('DUPLICATE'),
    deleted: count('DELETED'),
    notFound: count('NOT_FOUND'),
    rejected: count('REJECTED'),
    results,
  };
}

function checkBatchSize(received: number, limits: Config['limits']): void {
  if (received > limits.maxBatchRecords) throw batchTooLarge(received, limits.maxBatchRecords);
}

/**
 * Keep the call's refused records in the rejection log (src/ingest/issues.ts): in the call's write
 * transaction when it has one, else in a transaction of its own; nothing when nothing was refused.
 */
async function logIssues(env: IngestEnv, object: ObjectKind, results: RecordResult[], notFoundIsRejection: boolean, tx?: Tx) {
  const issues = collectIssues(results, notFoundIsRejection, env.now);
  if (issues.length === 0) return;
  const write = (q: Tx) => writeIssues(q, env.workspaceId, object, issues, env.limits.maxIngestIssues);
  await (tx ? write(tx) : inTransaction(env.db, write));
}

async function knownFields(
  env: IngestEnv,
  object: ObjectKind,
  inputs: readonly unknown[],
  container: 'custom' | 'properties',
): Promise<Map<string, KnownField>> {
  const keys = new Set<string>();
  for (const input of inputs) {
    const fields = (input as Record<string, unknown> | null)?.[container];
    if (fields && typeof fields === 'object' && !Array.isArray(fields)) {
      // Keys that fail validation are reported per record later; they are never sent to the database.
      for (const key of Object.keys(fields))
        if (fieldKeyProblem(key, env.limits.maxFieldKeyLength, NO_RESERVED) === undefined) keys.add(key);
    }
  }
  return guarded(loadKnownFields(env.db, env.workspaceId, object, [...keys]));
}

/**
 * Custom fields new to the catalog are bounded per call (`maxNewFieldsPerCall`) and per workspace
 * (`maxCustomFieldsPerWorkspace`): every new key costs inference and a catalog row, forever. Records
 * are admitted in input order while the fields they introduce fit; a record that would cross a
 * bound is refused whole (storing it without some of its fields would lose them silently), and
 * records with known fields only are never refused. Returns the refusals by input index. The
 * workspace count is read only when the call brings new keys; concurrent calls may overshoot the
 * workspace bound by at most one call's allowance each.
 */
async function admitNewFields(
  env: IngestEnv,
  object: ObjectKind,
  known: ReadonlyMap<string, KnownField>,
  records: ReadonlyArray<{ index: number; observed: ReadonlyMap<string, FieldType | null> }>,
  container: 'custom' | 'properties',
): Promise<Map<number, RecordError>> {
  const refused = new Map<number, RecordError>();
  const newKeys = records.map((r) => [...r.observed.keys()].filter((key) => !known.has(key) && defaultField(object, key) === undefined));
  if (newKeys.every((keys) => keys.length === 0)) return refused;
  const { maxNewFieldsPerCall, maxCustomFieldsPerWorkspace } = env.limits;
  const existing = await guarded(countCustomFields(env.db, env.workspaceId));
  const admitted = new Set<string>();
  records.forEach((record, i) => {
    const fresh = newKeys[i]!.filter((key) => !admitted.has(key));
    if (fresh.length === 0) return;
    if (existing + admitted.size + fresh.length > maxCustomFieldsPerWorkspace) {
      refused.set(record.index, {
        field: `${container}.${fresh[0]}`,
        code: 'FIELD_LIMIT_REACHED',
        message:
          `This record would add ${fresh.length} new custom field(s); the workspace has ${existing + admitted.size} of at most ` +
          `${maxCustomFieldsPerWorkspace}. Fields already known still work; remove columns from the sync or ask for a higher limit.`,
      });
    } else if (admitted.size + fresh.length > maxNewFieldsPerCall) {
      refused.set(record.index, {
        field: `${container}.${fresh[0]}`,
        code: 'TOO_MANY_NEW_FIELDS',
        message:
          `This record would add ${fresh.length} new custom field(s) after ${admitted.size} added by earlier records; one call may add at most ` +
          `${maxNewFieldsPerCall}. Nothing of it was stored: send it again in a later call.`,
      });
    } else {
      for (const key of fresh) admitted.add(key);
    }
  });
  return refused;
}

function mergeObservations(into: Map<string, FieldType | null>, from: ReadonlyMap<string, FieldType | null>): void {
  for (const [key, type] of from) into.set(key, mergeTypes(into.get(key) ?? null, type));
}

/** JavaScript mirror of the SQL merge (`jsonb_strip_nulls(dims || patch)`), used only to report statuses. */
function applyPatch(dims: Dimensions, patch: Record<string, Scalar | null>): Dimensions {
  const next: Dimensions = { ...dims };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

function sameDims(a: Dimensions, b: Dimensions): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/** A dimension record that passed validation: its patch and the field types it shows. */
interface ValidRecord {
  index: number;
  id: string;
  patch: Record<string, Scalar | null>;
  observed: Map<string, FieldType | null>;
}

export async function upsertRecords(
  env: IngestEnv,
  object: RecordKind,
  inputs: readonly unknown[],
  mode: UpsertMode,
): Promise<IngestOutcome> {
  checkBatchSize(inputs.length, env.limits);
  const known = await knownFields(env, object, inputs, 'custom');
  const { results, valid } = await validateRecords(env, object, inputs, known);
  const required = requiredOnCreate(object).key;
  if (valid.length === 0) {
    await guarded(reportMissingRequired(env.db, env.workspaceId, object, required, inputs, results, new Map()));
    await logIssues(env, object, results, mode === 'UPDATE_ONLY');
    return summarize(results);
  }
  await inTransaction(env.db, async (tx) => {
    const ids = [...new Set(valid.map((r) => r.id))].sort();
    const existing = await sql.lockExisting(tx, object, env.workspaceId, ids);
    await reportMissingRequired(tx, env.workspaceId, object, required, inputs, results, existing);
    const applied = applyInOrder(valid, results, existing, mode, required);
    const changed = [...applied.patches].filter(
      ([id]) => !sameDims(existing.get(id) ?? {}, applied.state.get(id) ?? {}) || !existing.has(id),
    );
    const racedBefore = await writeChanged(tx, env.workspaceId, object, changed, existing, applied.createdBy);
    await queueChanges(
      tx,
      object,
      env.workspaceId,
      changed.map(([id]) => ({ id, before: existing.get(id) ?? racedBefore.get(id) ?? null })),
    );
    if (changed.length > 0) await sql.countRecordChanges(tx, object, env.workspaceId);
    if (object === 'USER') await relinkUsers(tx, env.workspaceId, changed, existing, applied.state);
    await recordObservations(tx, env.workspaceId, object, applied.observed, known, env.now);
    await logIssues(env, object, results, mode === 'UPDATE_ONLY', tx);
  });
  env.folder.recordsChanged(env.workspaceId);
  return summarize(results);
}

/**
 * One result per input record (UNCHANGED until applied, or REJECTED with its problems) and the
 * records that pass validation and the bounds on new custom fields, in input order.
 */
async function validateRecords(
  env: IngestEnv,
  object: RecordKind,
  inputs: readonly unknown[],
  known: ReadonlyMap<string, KnownField>,
): Promise<{ results: RecordResult[]; valid: ValidRecord[] }> {
  const ctx = { limits: env.limits, known, now: env.now };
  const results: RecordResult[] = [];
  const checkedRecords: ValidRecord[] = [];
  inputs.forEach((input, index) => {
    const checked = validateDimensionRecord(object, input, ctx);
    if (checked.ok) {
      checkedRecords.push({ index, ...checked.record });
      results.push({ index, id: checked.record.id, status: 'UNCHANGED', errors: [] });
    } else {
      results.push({ index, id: checked.id, status: 'REJECTED', errors: checked.errors });
    }
  });
  const refused = await admitNewFields(env, object, known, checkedRecords, 'custom');
  const valid: ValidRecord[] = [];
  for (const record of checkedRecords) {
    const error = refused.get(record.index);
    if (error) results[record.index] = { index: record.index, id: record.id, status: 'REJECTED', errors: [error] };
    else valid.push(record);
  }
  return { results, valid };
}

/**
 * Apply the records in input order to a view of the rows (`existing`, locked), to give each its own
 * status: the rows as they will be (`state`), each ID's merged patch, the results of the records
 * that create a row, and the field types observed in the applied records.
 */
function applyInOrder(
  valid: readonly ValidRecord[],
  results: RecordResult[],
  existing: ReadonlyMap<string, Dimensions>,
  mode: UpsertMode,
  required: string,
) {
  const state = new Map<string, Dimensions | null>([...new Set(valid.map((r) => r.id))].map((id) => [id, existing.get(id) ?? null]));
  const patches = new Map<string, Record<string, Scalar | null>>();
  const createdBy = new Map<string, RecordResult>();
  const observed = new Map<string, FieldType | null>();
  for (const record of valid) {
    const result = results[record.index]!;
    const current = state.get(record.id) ?? null;
    if (current === null && mode === 'UPDATE_ONLY') {
      result.status = 'NOT_FOUND';
      continue;
    }
    if (current === null ? record.patch[required] == null : record.patch[required] === null) {
      result.status = 'REJECTED';
      result.errors.push({
        field: required,
        code: 'REQUIRED',
        message: current === null ? 'A value is required to create the record.' : 'This field is required and cannot be cleared.',
      });
      continue;
    }
    const next = applyPatch(current ?? {}, record.patch);
    result.status = current === null ? 'CREATED' : sameDims(current, next) ? 'UNCHANGED' : 'UPDATED';
    if (result.status === 'CREATED') createdBy.set(record.id, result);
    state.set(record.id, next);
    patches.set(record.id, { ...patches.get(record.id), ...record.patch });
    mergeObservations(observed, record.observed);
  }
  return { state, patches, createdBy, observed };
}

/**
 * Merge the changed records into their rows and insert the new ones. Another call may create a row
 * between our read and our insert: ours then merges into it (two more statements, only in that
 * race), its record reports UPDATED, and the raced rows as they were before are returned.
 */
async function writeChanged(
  tx: Tx,
  workspaceId: string,
  object: RecordKind,
  changed: ReadonlyArray<[string, Record<string, Scalar | null>]>,
  existing: ReadonlyMap<string, Dimensions>,
  createdBy: ReadonlyMap<string, RecordResult>,
): Promise<Map<string, Dimensions>> {
  const toUpdate = changed.filter(([id]) => existing.has(id)).map(([id, patch]) => ({ id, patch }));
  const toInsert = changed.filter(([id]) => !existing.has(id)).map(([id, patch]) => ({ id, patch }));
  await sql.mergeExisting(tx, object, workspaceId, toUpdate);
  const inserted = await sql.insertNew(tx, object, workspaceId, toInsert);
  const raced = toInsert.filter(({ id }) => !inserted.has(id));
  const racedBefore =
    raced.length === 0
      ? new Map<string, Dimensions>()
      : await sql.lockExisting(
          tx,
          object,
          workspaceId,
          raced.map((r) => r.id),
        );
  await sql.mergeExisting(tx, object, workspaceId, raced);
  for (const { id } of raced) {
    const result = createdBy.get(id);
    if (result) result.status = 'UPDATED';
  }
  return racedBefore;
}

/** Users created or moved to another account: their events' attribution follows them (src/rollups). */
async function relinkUsers(
  tx: Tx,
  workspaceId: string,
  changed: ReadonlyArray<[string, unknown]>,
  existing: ReadonlyMap<string, Dimensions>,
  state: ReadonlyMap<string, Dimensions | null>,
): Promise<void> {
  const links = changed
    .map(([id]) => ({ user_id: id, before: existing.get(id)?.accountId ?? null, after: state.get(id)?.accountId ?? null }))
    .filter((link) => link.before !== link.after || !existing.has(link.user_id))
    .map(({ user_id, after }) => ({ user_id, account_id: after === null ? null : String(after) }));
  if (links.length === 0) return;
  await rollups.lockAttribution(tx, workspaceId, 'exclusive');
  await rollups.reattribute(tx, workspaceId, links);
}

/**
 * A rejected record that would also have been refused for lacking the field required to create it
 * gets that problem listed too, so one round of fixes is enough. Existence of valid records is
 * already known; the rejected ones' IDs are looked up in the same way (one statement).
 */
async function reportMissingRequired(
  q: Queryable,
  workspaceId: string,
  object: RecordKind,
  required: string,
  inputs: readonly unknown[],
  results: RecordResult[],
  known: ReadonlyMap<string, Dimensions>,
): Promise<void> {
  const lacking = results.filter((r) => {
    if (r.status !== 'REJECTED' || r.id === null || r.errors.some((e) => e.field === required)) return false;
    const value = (inputs[r.index] as Record<string, unknown>)[required];
    return value === undefined || value === null || value === '';
  });
  const unknown = [...new Set(lacking.map((r) => r.id!))].filter((id) => !known.has(id)).sort();
  if (unknown.length === 0) return;
  const found = await sql.findExisting(q, object, workspaceId, unknown);
  for (const result of lacking) {
    if (known.has(result.id!) || found.has(result.id!)) continue;
    result.errors.push({ field: required, code: 'REQUIRED', message: 'A value is required to create the record.' });
  }
}

export async function deleteRecords(
  env: IngestEnv,
  object: RecordKind,
  inputs: readonly unknown[],
  purgeEvents: boolean,
): Promise<IngestOutcome> {
  checkBatchSize(inputs.length, env.limits);
  const results: RecordResult[] = inputs.map((input, index) => {
    if (input === null || input === undefined || (typeof input === 'string' && input.trim() === '')) {
      return { index, id: null, status: 'REJECTED', errors: [{ field: 'id', code: 'REQUIRED', message: 'A value is required.' }] };
    }
    const id = toId(input, 'id');
    if (!id.ok) return { index, id: null, status: 'REJECTED', errors: [{ field: 'id', ...id.problem }] };
    return { index, id: normalizeId(id.value), status: 'NOT_FOUND', errors: [] };
  });
  const ids = [...new Set(results.filter((r) => r.status !== 'REJECTED').map((r) => r.id!))].sort();
  if (ids.length === 0) {
    await logIssues(env, object, results, false);
    return summarize(results);
  }

  await inTransaction(env.db, async (tx) => {
    await logIssues(env, object, results, false, tx);
    const deletedDims = await sql.deleteByIds(tx, object, env.workspaceId, ids);
    await queueChanges(
      tx,
      object,
      env.workspaceId,
      [...deletedDims].map(([id, before]) => ({ id, before })),
    );
    if (deletedDims.size > 0) await sql.countRecordChanges(tx, object, env.workspaceId);
    const deleted = new Set(deletedDims.keys());
    const seen = new Set<string>();
    for (const result of results) {
      if (result.status === 'REJECTED' || seen.has(result.id!)) continue;
      seen.add(result.id!);
      if (deleted.has(result.id!)) result.status = 'DELETED';
    }
    const gone = [...deleted];
    if (purgeEvents) {
      // Exclusive, like a link change: a maintained window being created must not miss the purge.
      await rollups.lockAttribution(tx, env.workspaceId, 'exclusive');
      await rollups.purgeEvents(tx, env.workspaceId, object === 'USER' ? 'user' : 'account', gone);
    } else if (object === 'USER' && gone.length > 0) {
      // A deleted user's events stay, but no longer count for the account it belonged to.
      await rollups.lockAttribution(tx, env.workspaceId, 'exclusive');
      await rollups.reattribute(
        tx,
        env.workspaceId,
        gone.map((id) => ({ user_id: id, account_id: null })),
      );
    }
  });
  env.folder.recordsChanged(env.workspaceId);
  return summarize(results);
}

const EVENT_DEFAULT_KEYS = new Set(DEFAULT_FIELDS.EVENT.map((f) => f.key));

export async function trackEvents(env: IngestEnv, inputs: readonly unknown[]): Promise<IngestOutcome> {
  checkBatchSize(inputs.length, env.limits);
  const known = await knownFields(env, 'EVENT', inputs, 'properties');
  const ctx = { limits: env.limits, known, now: env.now };
  const results: RecordResult[] = [];
  const firstByKey = new Map<string, EventRecord>();
  const observed = new Map<string, FieldType | null>();
  const checked = inputs.map((input) => validateEvent(input, ctx));
  const refused = await admitNewFields(
    env,
    'EVENT',
    known,
    checked.flatMap((c, index) => (c.ok ? [{ index, observed: c.record.observed }] : [])),
    'properties',
  );
  checked.forEach((outcome, index) => {
    if (!outcome.ok) {
      results.push({ index, id: outcome.id, status: 'REJECTED', errors: outcome.errors });
      return;
    }
    const event = outcome.record;
    const error = refused.get(index);
    if (error) {
      results.push({ index, id: event.dedupKey, status: 'REJECTED', errors: [error] });
      return;
    }
    // A repeat inside the same call is a duplicate of its first occurrence.
    const duplicate = firstByKey.has(event.dedupKey);
    if (!duplicate) firstByKey.set(event.dedupKey, event);
    results.push({ index, id: event.dedupKey, status: duplicate ? 'DUPLICATE' : 'CREATED', errors: [] });
    for (const [key, type] of event.observed) if (!EVENT_DEFAULT_KEYS.has(key)) mergeObservations(observed, new Map([[key, type]]));
  });
  if (firstByKey.size === 0) {
    await logIssues(env, 'EVENT', results, false);
    return summarize(results);
  }

  const { inserted, unfolded } = await inTransaction(env.db, async (tx) => {
    const appended = await sql.appendEvents(tx, env.workspaceId, [...firstByKey.values()], env.limits.maxUnfoldedEvents);
    await recordObservations(tx, env.workspaceId, 'EVENT', observed, known, env.now);
    await logIssues(env, 'EVENT', results, false, tx);
    return appended;
  });
  // Stored and durable: the call is acknowledged once the fold is under way (or, past the bound, done).
  if (inserted.size > 0) await env.folder.eventsStored(env.workspaceId, unfolded + inserted.size);
  for (const result of results) {
    if (result.status === 'CREATED' && !inserted.has(result.id!)) result.status = 'DUPLICATE';
  }
  return summarize(results);
}
