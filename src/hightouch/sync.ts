import { DEFAULT_FIELDS, type DefaultField } from '../catalog/fields.ts';
import { type IngestPayload, isPlainObject, toRestField } from './mapping.ts';
import { findObject, findSyncMode, type HightouchObject, type ModeInfo, OBJECTS } from './objects.ts';

/**
 * A Hightouch sync's configuration (object, mode, column → field mappings) as the Embedded
 * Destination protocol sends it: reading it, checking it for the `validate` step, applying it to
 * warehouse rows, and reporting rejected rows. Pure functions.
 */

export interface Mapping {
  /** Warehouse column. */
  from: string;
  /** Our field id (`account_id`, `company_name`, a custom key). */
  to: string;
}

export interface SyncConfiguration {
  object: HightouchObject;
  mode: ModeInfo;
  /** The identifier mapping first, then the others, in order. */
  mappings: Mapping[];
  /** Where the object and the mode came from, in words (the `validate` step shows it). */
  resolution: string[];
}

export type ReadResult = { ok: true; config: SyncConfiguration } | { ok: false; problems: string[] };

function readMapping(value: unknown, path: string, problems: string[]): Mapping | undefined {
  if (!isPlainObject(value) || typeof value.from !== 'string' || typeof value.to !== 'string' || value.to === '') {
    problems.push(`${path} must be {"from": "<column>", "to": "<field id>"}.`);
    return undefined;
  }
  return { from: value.from, to: value.to };
}

const present = (value: unknown) => value !== undefined && value !== null && value !== '';

/**
 * The object of a sync whose configuration does not name one, from what it maps: a column mapped
 * to `event_name` makes an event sync; otherwise the identifier's field says account or user.
 */
function inferObject(identifier: Mapping | undefined, mappings: readonly Mapping[]): { object: HightouchObject; why: string } | string {
  const eventName = mappings.find((m) => m.to === 'event_name');
  if (eventName) return { object: findObject('event')!, why: `column ${eventName.from} is mapped to event_name` };
  for (const object of OBJECTS) {
    if (object.identifier !== null && identifier?.to === object.identifier) {
      return { object, why: `the identifier (column ${identifier.from}) is mapped to ${object.identifier}` };
    }
  }
  const hint =
    'Name it ("object": "account", "user" or "event"), map the identifier to account_id (accounts) or user_id (users), or map a column to event_name (events).';
  return identifier
    ? `Cannot tell which object this sync writes: the identifier is mapped to ${JSON.stringify(identifier.to)}. ${hint}`
    : `Cannot tell which object this sync writes: the configuration names no object and maps no identifier. ${hint}`;
}

/**
 * Read a sync's configuration. The object and mode come from `configuration.object` / `.mode`,
 * else from the call's top-level `object` / `mode` params, else the object is inferred from the
 * mappings and the mode is the object's first (upsert, or insert for events). Hightouch's public
 * example servers read neither from `configuration`, so none of them may be required.
 */
export function readConfiguration(configuration: unknown, params: Record<string, unknown> = {}): ReadResult {
  if (!isPlainObject(configuration)) return { ok: false, problems: ['configuration must be an object.'] };
  const problems: string[] = [];
  const mappingProblems: string[] = [];
  const mappings: Mapping[] = [];
  let identifier: Mapping | undefined;
  if (present(configuration.identifierMapping)) {
    identifier = readMapping(configuration.identifierMapping, 'identifierMapping', mappingProblems);
    if (identifier) mappings.push(identifier);
  }
  const list = configuration.mappings ?? [];
  if (!Array.isArray(list)) mappingProblems.push('mappings must be an array of {"from", "to"}.');
  else {
    for (const [index, item] of list.entries()) {
      const mapping = readMapping(item, `mappings[${index}]`, mappingProblems);
      if (mapping) mappings.push(mapping);
    }
  }

  const resolution: string[] = [];
  let object: HightouchObject | undefined;
  const named = present(configuration.object)
    ? { value: configuration.object, where: 'configuration.object' }
    : present(params.object)
      ? { value: params.object, where: 'the object parameter' }
      : undefined;
  if (named) {
    object = findObject(named.value);
    if (!object)
      problems.push(`Choose an object: ${OBJECTS.map((o) => o.id).join(', ')} (${named.where} is ${JSON.stringify(named.value)}).`);
    else resolution.push(`Object: ${object.id} (from ${named.where}).`);
  } else {
    const inferred = inferObject(identifier, mappings);
    if (typeof inferred === 'string') problems.push(inferred);
    else {
      object = inferred.object;
      resolution.push(`Object: ${object.id} (inferred: ${inferred.why}).`);
    }
  }

  let mode: ModeInfo | undefined;
  if (object) {
    const modeNamed = present(configuration.mode)
      ? { value: configuration.mode, where: 'configuration.mode' }
      : present(params.mode)
        ? { value: params.mode, where: 'the mode parameter' }
        : undefined;
    mode = findSyncMode(object, modeNamed ? modeNamed.value : object.syncModes[0]?.id);
    if (!mode) {
      problems.push(
        `Mode ${JSON.stringify(modeNamed?.value)} is not available for ${object.label} syncs; use ${object.syncModes.map((m) => m.id).join(' or ')}.`,
      );
    } else resolution.push(`Mode: ${mode.id} (${modeNamed ? `from ${modeNamed.where}` : `the default for ${object.label} syncs`}).`);
  }
  problems.push(...mappingProblems);
  if (problems.length > 0 || !object || !mode) return { ok: false, problems };
  return { ok: true, config: { object, mode, mappings, resolution } };
}

/**
 * Fields a sync must map, from the field model: identifiers and event fields always; the field an
 * account or user cannot be created without only when the sync may create (upsert).
 */
function requiredMappings(object: HightouchObject, mode: ModeInfo): DefaultField[] {
  return DEFAULT_FIELDS[object.kind].filter(
    (field) => field.required && (field.identifier || object.kind === 'EVENT' || mode.id === 'upsert'),
  );
}

/** The `validate` step: errors block the sync; warnings are recommendations. */
export function checkConfiguration(
  configuration: unknown,
  params: Record<string, unknown> = {},
): { errors: string[]; warnings: string[]; notes: string[] } {
  const read = readConfiguration(configuration, params);
  if (!read.ok) return { errors: read.problems, warnings: [], notes: [] };
  const { object, mode, mappings, resolution } = read.config;
  const errors: string[] = [];
  const warnings: string[] = [];
  const columnsByField = new Map<string, string[]>();
  for (const mapping of mappings) {
    const columns = columnsByField.get(mapping.to) ?? [];
    if (!columns.includes(mapping.from)) columns.push(mapping.from);
    columnsByField.set(mapping.to, columns);
  }

  for (const [field, columns] of columnsByField) {
    if (columns.length > 1) errors.push(`${field} is mapped more than once (from ${columns.join(', ')}); map each field from one column.`);
  }
  for (const required of requiredMappings(object, mode)) {
    if (!columnsByField.has(required.restId)) {
      errors.push(`${object.label} syncs must map a column to ${required.restId} (${required.label}): ${required.requiredBecause}.`);
    }
  }
  if (object.id !== 'account' && !columnsByField.has('account_id')) {
    warnings.push(
      object.id === 'user'
        ? 'Map a column to account_id (recommended): users without an account do not count towards any account.'
        : "Map a column to account_id (recommended): without it, events count for the user's current account, once the user sync has linked one.",
    );
  }
  return { errors, warnings, notes: resolution };
}

/** Warehouse rows as Hightouch records: mapped columns only (absent columns stay absent, nulls stay null). */
export function rowsToRecords(config: SyncConfiguration, rows: readonly unknown[]): unknown[] {
  return rows.map((row) =>
    isPlainObject(row)
      ? Object.fromEntries(config.mappings.filter((m) => Object.hasOwn(row, m.from)).map((m) => [m.to, row[m.from]]))
      : null,
  );
}

export interface RejectedRow {
  id: unknown;
  reason: string;
}

/**
 * Rows the mutation did not store, keyed by the row's `idColumn` value as Hightouch expects.
 * `NOT_FOUND` is a rejection when writing (update mode creates nothing) but not when removing.
 */
export function rejectedRows(
  config: SyncConfiguration,
  idColumn: string | undefined,
  rows: readonly unknown[],
  payload: IngestPayload,
  notFoundIsRejection: boolean,
): RejectedRow[] {
  const columnOf = new Map(config.mappings.map((m) => [m.to, m.from]));
  const rejected: RejectedRow[] = [];
  for (const result of payload.results) {
    if (result.status !== 'REJECTED' && !(notFoundIsRejection && result.status === 'NOT_FOUND')) continue;
    const row = rows[result.index];
    const id = idColumn !== undefined && isPlainObject(row) && Object.hasOwn(row, idColumn) ? row[idColumn] : result.id;
    const reason =
      result.status === 'NOT_FOUND'
        ? `NOT_FOUND: no ${config.object.id} with ${config.object.identifier} "${result.id}" exists (${config.mode.id} mode never creates records).`
        : result.errors
            .map((error) => {
              const field = toRestField(config.object, error.field);
              const column = field === null ? undefined : columnOf.get(field);
              return `${error.code}${field ? ` on ${field}${column ? ` (column ${column})` : ''}` : ''}: ${error.message}`;
            })
            .join('; ') || 'REJECTED';
    rejected.push({ id: id ?? null, reason });
  }
  return rejected;
}
