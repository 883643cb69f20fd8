import { isDatabaseUnavailable } from '../errors.ts';
import { unavailable } from './errors.ts';
import { listFields } from './fields.ts';
import { type Caller, ingest } from './ingest.ts';
import { invalidParams, type RpcHandler } from './jsonrpc.ts';
import { findObject, findSyncMode, type HightouchObject, OBJECTS } from './objects.ts';
import { checkConfiguration, readConfiguration, rejectedRows, rowsToRecords, type SyncConfiguration } from './sync.ts';

/**
 * Hightouch's Embedded Destination methods (the set its custom-destination framework calls),
 * answered for one authenticated caller.
 */

/** Hightouch sends this many rows per add/change/remove call; never more than the record limit. */
const PREFERRED_BATCH_SIZE = 1000;

function objectParam(params: Record<string, unknown>): HightouchObject {
  const object = findObject(params.object);
  if (!object) throw invalidParams([`object must be one of ${OBJECTS.map((o) => o.id).join(', ')}.`]);
  return object;
}

function configurationParam(params: Record<string, unknown>): SyncConfiguration {
  const read = readConfiguration(params.configuration);
  if (!read.ok) throw invalidParams(read.problems.map((problem) => `configuration: ${problem}`));
  return read.config;
}

export function destinationMethods(caller: Caller): Map<string, RpcHandler> {
  const { ctx } = caller;

  const sync = (operation: 'add' | 'change' | 'remove'): RpcHandler => {
    return async (params) => {
      const config = configurationParam(params);
      const { rows } = params;
      if (!Array.isArray(rows)) throw invalidParams(['rows must be an array of rows.']);
      if (params.idColumn !== undefined && typeof params.idColumn !== 'string') throw invalidParams(['idColumn must be a column name.']);
      // Events are facts: a row leaving or changing in the model does not undo or rewrite what happened.
      if (config.object.kind === 'EVENT' && operation !== 'add') return null;
      const mode = operation === 'remove' ? 'delete' : config.mode.id;
      const payload = await ingest(caller, config.object, mode, rowsToRecords(config, rows));
      return { rejectedRows: rejectedRows(config, params.idColumn, rows, payload, operation !== 'remove') };
    };
  };

  const methods = new Map<string, RpcHandler>([
    ['list_objects', async () => ({ objects: OBJECTS.map((object) => ({ id: object.id, label: object.label })) })],
    ['list_modes', async (params) => ({ modes: objectParam(params).syncModes })],
    [
      'list_fields',
      async (params) => {
        const object = objectParam(params);
        if (params.mode !== undefined && params.mode !== null && !findSyncMode(object, params.mode)) {
          throw invalidParams([`mode must be one of ${object.syncModes.map((m) => m.id).join(', ')} for ${object.id}.`]);
        }
        const fields = await listFields(ctx.db, ctx.workspaceId, object);
        return { fields: fields.map((f) => ({ id: f.id, label: f.label, type: f.type, ...(f.identifier ? { identifier: true } : {}) })) };
      },
    ],
    [
      'list_options',
      async (params) => {
        if (params.object !== undefined) objectParam(params);
        return { options: null };
      },
    ],
    [
      'validate',
      async (params) => {
        if (params.configuration === undefined) throw invalidParams(['configuration is required.']);
        return checkConfiguration(params.configuration);
      },
    ],
    [
      'behavior',
      async (params) => {
        const config = configurationParam(params);
        const dimensions = config.object.kind !== 'EVENT';
        return {
          batchSize: Math.min(PREFERRED_BATCH_SIZE, ctx.config.limits.maxBatchRecords),
          // Rows leaving an upsert model delete the record; update-only syncs never create or delete.
          operations: { add: true, change: dimensions, remove: dimensions && config.mode.id === 'upsert' },
          skipInitialRun: false,
        };
      },
    ],
    ['add', sync('add')],
    ['change', sync('change')],
    ['remove', sync('remove')],
  ]);
  // A database outage is a 503 for the whole request (Hightouch retries the batch), never an internal error.
  for (const [name, handler] of methods) {
    methods.set(name, async (params) => {
      try {
        return await handler(params);
      } catch (error) {
        throw isDatabaseUnavailable(error) ? unavailable() : error;
      }
    });
  }
  return methods;
}
