import type { FastifyRequest } from 'fastify';
import { unauthenticated as missingKey, rethrowFault } from '../errors.ts';
import type { AppServer } from '../http/app.ts';
import type { KeyRoute } from '../http/rate-limit.ts';
import type { Principal } from '../keys/models.ts';
import { bearerSecret } from '../keys/service.ts';
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
 * call's `configuration`. The same key rules apply to every path: scopes, revocation, expiry, the
 * refused-key limit of the client address and the per-key rate limit (one token per call each).
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

/** The key one call presents: the request's (header or URL), else its configuration's `api_key`. */
interface PresentedKey {
  secret: string;
  via: KeyRoute;
}

function presentedKey(server: AppServer, request: FastifyRequest, params: Record<string, unknown>): PresentedKey | undefined {
  const fromRequest = server.requestSecret(request);
  if (fromRequest !== undefined)
    return { secret: fromRequest, via: bearerSecret(request.headers.authorization) !== undefined ? 'header' : 'path' };
  const option = isPlainObject(params.configuration) ? params.configuration[API_KEY_OPTION] : undefined;
  if (option === undefined || option === null || option === '') return undefined;
  // Anything else that is not a key string is a wrong key: it never matches, and is never looked up.
  return { secret: typeof option === 'string' ? option.trim() : `${typeof option}`, via: 'option' };
}

const mixedKeys = () =>
  missingKey('The calls of this request carry different API keys; send one key per request (one Hightouch destination per key).');

/**
 * The keys of one request's calls, authenticated once before any call runs (`admit`), through the
 * server's one authentication step: each call presenting a key is one attempt of the refused-key
 * limit, so a batch of 20 wrong keys costs what 20 requests do; a request whose calls present
 * different keys is refused whole (its calls each answer -32001), so one body costs at most one
 * key lookup. `keyOf` then answers each call's key state.
 */
function callKeys(server: AppServer, request: FastifyRequest) {
  const states = new WeakMap<Record<string, unknown>, KeyState>();
  const admit = async (calls: readonly RpcCall[]): Promise<Map<string, { principal: Principal; calls: number }>> => {
    const presented = calls.map(({ params }) => ({ params, key: presentedKey(server, request, params) }));
    const withKey = presented.filter((p) => p.key !== undefined);
    const key = withKey[0]?.key;
    const perKey = new Map<string, { principal: Principal; calls: number }>();
    if (!key) return perKey;
    const mixed = withKey.some((p) => p.key?.secret !== key.secret);
    const lookup = mixed
      ? async () => undefined
      : key.via === 'option'
        ? () => server.authenticateKey(key.secret)
        : () => server.authenticateRequest(request);
    const principal = await server.rateLimiter.authenticate(request, { ...key, lookup, attempts: withKey.length });
    if (mixed) throw mixedKeys();
    for (const { params, key: own } of presented) {
      states.set(params, !own ? { kind: 'none' } : principal ? { kind: 'valid', principal } : { kind: 'invalid' });
    }
    if (principal) perKey.set(principal.key.id, { principal, calls: withKey.length });
    return perKey;
  };
  const keyOf = (params: Record<string, unknown>): KeyState => states.get(params) ?? { kind: 'none' };
  return { admit, keyOf };
}

/** The handlers, each finding its caller through `keyOf`. */
function methodTable(server: AppServer, request: FastifyRequest, keyOf: (params: Record<string, unknown>) => KeyState) {
  const callerFor = (principal: Principal): Caller => ({ server, ctx: server.contextFor(request, principal) });
  /** A caller when the call has a valid key, undefined when it has none; a wrong key is refused everywhere. */
  const optionalCaller = (params: Record<string, unknown>): Caller | undefined => {
    const state = keyOf(params);
    if (state.kind === 'invalid') throw unauthenticated();
    return state.kind === 'valid' ? callerFor(state.principal) : undefined;
  };
  const requiredCaller = (params: Record<string, unknown>): Caller => {
    const caller = optionalCaller(params);
    if (!caller) throw unauthenticated();
    return caller;
  };
  const sync =
    (operation: 'add' | 'change' | 'remove'): RpcHandler =>
    async (params) => {
      const caller = requiredCaller(params);
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
  return new Map<string, RpcHandler>([
    ...listingMethods(optionalCaller),
    ['validate', async (params) => validate(params, keyOf(params))],
    [
      'behavior',
      async (params) => {
        optionalCaller(params);
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
}

/** The methods that describe the destination (objects, modes, fields, the options form). */
function listingMethods(optionalCaller: (params: Record<string, unknown>) => Caller | undefined): Array<[string, RpcHandler]> {
  return [
    [
      'list_objects',
      async (params) => {
        optionalCaller(params);
        return { objects: OBJECTS.map((object) => ({ id: object.id, label: object.label })) };
      },
    ],
    [
      'list_modes',
      async (params) => {
        optionalCaller(params);
        return { modes: objectParam(params).syncModes };
      },
    ],
    [
      'list_fields',
      async (params) => {
        const caller = optionalCaller(params);
        const object = objectParam(params);
        if (params.mode !== undefined && params.mode !== null && !findSyncMode(object, params.mode)) {
          throw invalidParams([`mode must be one of ${object.syncModes.map((m) => m.id).join(', ')} for ${object.id}.`]);
        }
        // Without a key only the default fields: the workspace's custom fields are its data.
        const fields: FieldDescriptor[] = caller
          ? await listFields(caller.ctx.db, caller.ctx.workspaceId, object)
          : defaultFieldDescriptors(object);
        return { fields: fields.map((f) => ({ id: f.id, label: f.label, type: f.type, ...(f.identifier ? { identifier: true } : {}) })) };
      },
    ],
    [
      'list_options',
      async (params) => {
        optionalCaller(params);
        if (params.object !== undefined && params.object !== null) objectParam(params);
        return { options: OPTIONS_FORM };
      },
    ],
  ];
}

/** `validate`: the configuration's problems, and the key's (missing, wrong, or without INGEST). */
function validate(params: Record<string, unknown>, state: KeyState) {
  if (params.configuration === undefined) throw invalidParams(['configuration is required.']);
  const checked = checkConfiguration(params.configuration, params);
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
}

/** The same handlers, a database outage answered as a 503 for the call (retryable), never an internal error. */
function withFaults(methods: Map<string, RpcHandler>): Map<string, RpcHandler> {
  return new Map(
    [...methods].map(([name, handler]): [string, RpcHandler] => [
      name,
      async (params) => {
        try {
          return await handler(params);
        } catch (error) {
          rethrowFault(error);
        }
      },
    ]),
  );
}

/** The JSON-RPC methods for one HTTP request, and the whole-request checks that run before any of them. */
export function destinationMethods(server: AppServer, request: FastifyRequest) {
  const keys = callKeys(server, request);
  /**
   * Before any call runs: the rows of every add/change/remove of the request together stay within
   * the record limit REST enforces, the calls' key is authenticated (see `callKeys`), and each
   * call spends one rate-limit token of its key.
   */
  const admit = async (calls: readonly RpcCall[]): Promise<void> => {
    const maximum = server.config.limits.maxBatchRecords;
    const rows = calls.reduce(
      (sum, { method, params }) => sum + (SYNC_METHODS.has(method) && Array.isArray(params.rows) ? params.rows.length : 0),
      0,
    );
    if (rows > maximum) throw tooManyRecords(rows, maximum);
    try {
      const perKey = await keys.admit(calls);
      for (const { principal, calls: count } of perKey.values()) await server.rateLimiter.charge(principal, 'INGEST', count);
    } catch (error) {
      throw toAdapterError(error, request.log, 0);
    }
  };
  return { methods: withFaults(methodTable(server, request, keys.keyOf)), admit };
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
