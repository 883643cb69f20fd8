import type { FastifyRequest } from 'fastify';
import { unauthenticated as missingKey, rethrowFault } from '../errors.ts';
import type { AppServer } from '../http/app.ts';
import type { Principal } from '../keys/models.ts';
import { invalidParams, toAdapterError, tooManyRecords } from './errors.ts';
import { listFields } from './fields.ts';
import { type Caller, ingest } from './ingest.ts';
import type { RpcCall, RpcHandler } from './jsonrpc.ts';
import { isPlainObject } from './mapping.ts';
import { defaultFieldDescriptors, type FieldDescriptor, findObject, findSyncMode, type HightouchObject, OBJECTS } from './objects.ts';
import { checkConfiguration, readConfiguration, rejectedRows, rowsToRecords, type SyncConfiguration } from './sync.ts';

/**
 * Hightouch's Embedded Destination methods (the set its custom-destination framework calls), with
 * the params its public example servers receive. Each call finds its API key the same way: the
 * request's (`Authorization` header, or the key in the URL), else the `api_key` option of the
 * call's `configuration`. The same key rules apply to every path: scopes, revocation, expiry and
 * the per-key rate limit (one token per call).
 */

/** Hightouch sends this many rows per add/change/remove call; never more than the record limit. */
const PREFERRED_BATCH_SIZE = 1000;
/** The option of the `list_options` form that carries the key, read from `configuration`. */
export const API_KEY_OPTION = 'api_key';
const SYNC_METHODS = new Set(['add', 'change', 'remove']);

const unauthenticated = () =>
  missingKey(
    'Missing, invalid, revoked or expired API key. Send it as `Authorization: Bearer <key>`, in the URL (`…/hightouch/v1/rpc/<key>`) or as the api_key option of the destination.',
  );

function objectParam(params: Record<string, unknown>): HightouchObject {
  const object = findObject(params.object);
  if (!object) throw invalidParams([`object must be one of ${OBJECTS.map((o) => o.id).join(', ')}.`]);
  return object;
}

function configurationParam(params: Record<string, unknown>): SyncConfiguration {
  const read = readConfiguration(params.configuration, params);
  if (!read.ok) throw invalidParams(read.problems.map((problem) => `configuration: ${problem}`));
  return read.config;
}

/** The `list_options` form (react-jsonschema-form, as in Hightouch's Slack example): the key, for set-ups that cannot send headers. */
const OPTIONS_FORM = {
  schema: {
    type: 'object',
    properties: {
      [API_KEY_OPTION]: {
        title: 'API key',
        description:
          'Only if this destination sends no Authorization header and its URL carries no key: an INGEST key (cor_…). Leave empty otherwise.',
        type: 'string',
      },
    },
  },
  uiSchema: { [API_KEY_OPTION]: { 'ui:widget': 'password' } },
};

type KeyState = { kind: 'none' } | { kind: 'invalid' } | { kind: 'valid'; principal: Principal };

/** The JSON-RPC methods for one HTTP request, and the whole-request checks that run before any of them. */
export function destinationMethods(server: AppServer, request: FastifyRequest) {
  const requestSecret = server.requestSecret(request);
  const byParams = new WeakMap<Record<string, unknown>, Promise<KeyState>>();
  const bySecret = new Map<string, Promise<Principal | undefined>>();

  const resolve = (secret: string, principal: () => Promise<Principal | undefined>): Promise<KeyState> => {
    let found = bySecret.get(secret);
    if (!found) {
      found = principal();
      bySecret.set(secret, found);
    }
    return found.then((p): KeyState => (p ? { kind: 'valid', principal: p } : { kind: 'invalid' }));
  };

  /** The key of one call: the request's, else the configuration's `api_key`. */
  const keyOf = (params: Record<string, unknown>): Promise<KeyState> => {
    let state = byParams.get(params);
    if (!state) {
      const option = isPlainObject(params.configuration) ? params.configuration[API_KEY_OPTION] : undefined;
      if (requestSecret !== undefined) state = resolve(requestSecret, () => server.authenticateRequest(request));
      else if (typeof option === 'string' && option.trim() !== '')
        state = resolve(option.trim(), () => server.authenticateKey(option.trim()));
      else if (option !== undefined && option !== null && option !== '') state = Promise.resolve({ kind: 'invalid' });
      else state = Promise.resolve({ kind: 'none' });
      byParams.set(params, state);
    }
    return state;
  };
  const callerFor = (principal: Principal): Caller => ({ server, ctx: server.contextFor(request, principal) });

  /** A caller when the call has a valid key, undefined when it has none; a wrong key is refused everywhere. */
  const optionalCaller = async (params: Record<string, unknown>): Promise<Caller | undefined> => {
    const state = await keyOf(params);
    if (state.kind === 'invalid') throw unauthenticated();
    return state.kind === 'valid' ? callerFor(state.principal) : undefined;
  };
  const requiredCaller = async (params: Record<string, unknown>): Promise<Caller> => {
    const caller = await optionalCaller(params);
    if (!caller) throw unauthenticated();
    return caller;
  };

  const sync = (operation: 'add' | 'change' | 'remove'): RpcHandler => {
    return async (params) => {
      const caller = await requiredCaller(params);
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

  const fieldsFor = async (caller: Caller | undefined, object: HightouchObject): Promise<FieldDescriptor[]> =>
    caller ? listFields(caller.ctx.db, caller.ctx.workspaceId, object) : defaultFieldDescriptors(object);

  const methods = new Map<string, RpcHandler>([
    [
      'list_objects',
      async (params) => {
        await optionalCaller(params);
        return { objects: OBJECTS.map((object) => ({ id: object.id, label: object.label })) };
      },
    ],
    [
      'list_modes',
      async (params) => {
        await optionalCaller(params);
        return { modes: objectParam(params).syncModes };
      },
    ],
    [
      'list_fields',
      async (params) => {
        const caller = await optionalCaller(params);
        const object = objectParam(params);
        if (params.mode !== undefined && params.mode !== null && !findSyncMode(object, params.mode)) {
          throw invalidParams([`mode must be one of ${object.syncModes.map((m) => m.id).join(', ')} for ${object.id}.`]);
        }
        // Without a key only the default fields: the workspace's custom fields are its data.
        const fields = await fieldsFor(caller, object);
        return { fields: fields.map((f) => ({ id: f.id, label: f.label, type: f.type, ...(f.identifier ? { identifier: true } : {}) })) };
      },
    ],
    [
      'list_options',
      async (params) => {
        await optionalCaller(params);
        if (params.object !== undefined && params.object !== null) objectParam(params);
        return { options: OPTIONS_FORM };
      },
    ],
    [
      'validate',
      async (params) => {
        if (params.configuration === undefined) throw invalidParams(['configuration is required.']);
        const checked = checkConfiguration(params.configuration, params);
        const state = await keyOf(params);
        if (state.kind === 'none') {
          checked.errors.push(
            'No API key: send `Authorization: Bearer <key>`, use the destination URL that carries the key, or fill in the api_key option.',
          );
        } else if (state.kind === 'invalid') {
          checked.errors.push('The API key is invalid, revoked or expired: create a new one (Integrations → Hightouch → Connect).');
        } else if (!state.principal.scopes.includes('INGEST')) {
          checked.errors.push('The API key lacks the INGEST scope: syncs could not write. Use the key created by Connect Hightouch.');
        }
        return checked;
      },
    ],
    [
      'behavior',
      async (params) => {
        await optionalCaller(params);
        const config = configurationParam(params);
        const dimensions = config.object.kind !== 'EVENT';
        return {
          batchSize: Math.min(PREFERRED_BATCH_SIZE, server.config.limits.maxBatchRecords),
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
  // A database outage is a 503 for the call (retryable), never an internal error.
  for (const [name, handler] of methods) {
    methods.set(name, async (params) => {
      try {
        return await handler(params);
      } catch (error) {
        rethrowFault(error);
      }
    });
  }

  /**
   * Before any call runs: the rows of every add/change/remove of the request together stay within
   * the record limit REST enforces, and each call spends one rate-limit token of its key.
   */
  const admit = async (calls: readonly RpcCall[]): Promise<void> => {
    const maximum = server.config.limits.maxBatchRecords;
    const rows = calls.reduce(
      (sum, { method, params }) => sum + (SYNC_METHODS.has(method) && Array.isArray(params.rows) ? params.rows.length : 0),
      0,
    );
    if (rows > maximum) throw tooManyRecords(rows, maximum);
    const perKey = new Map<string, { principal: Principal; calls: number }>();
    try {
      for (const { params } of calls) {
        const state = await keyOf(params);
        if (state.kind !== 'valid') continue;
        const entry = perKey.get(state.principal.key.id) ?? { principal: state.principal, calls: 0 };
        entry.calls += 1;
        perKey.set(state.principal.key.id, entry);
      }
      for (const { principal, calls: count } of perKey.values()) await server.rateLimiter.charge(principal, 'INGEST', count);
    } catch (error) {
      throw toAdapterError(error, request.log, 0);
    }
  };

  return { methods, admit };
}

/** The method names (for checks that every method is covered). */
export const DESTINATION_METHODS = [
  'list_objects',
  'list_modes',
  'list_fields',
  'list_options',
  'validate',
  'behavior',
  'add',
  'change',
  'remove',
] as const;
