import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.ts';
import { redactSecrets, redactSecretsIn } from '../keys/secrets.ts';
import { loggableError } from '../observability/http.ts';
import { invalidParams } from './errors.ts';
import { isPlainObject } from './mapping.ts';

/**
 * A small JSON-RPC 2.0 server core (what Hightouch's example servers get from jayson): single and
 * batch requests, notifications, the standard error codes. Calls of a batch run one after another,
 * in order.
 *
 * Every answer is HTTP 200, refusals of the whole request included (bad key, scope, too many
 * records, rate limit, database down), as a jayson server answers: a stock jayson client turns a
 * non-2xx response into an `Error` whose message is the raw body and drops the error object, while
 * a 200 gives it `error.code`, `error.message` and `error.data` (our machine code, `retryable` and
 * `retryAfterSeconds`). test/hightouch/jayson.test.ts holds that decision to a real jayson client.
 */

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;

/** Implementation-defined server errors (-32000 to -32099), by HTTP status of the same condition in REST. */
const SERVER_CODES: Record<number, number> = { 401: -32001, 403: -32003, 413: -32013, 429: -32029, 503: -32053 };

/** Errors of the protocol itself: rendered as the standard code with their details as `data`, nothing added. */
const PROTOCOL_CODES: Record<string, number> = { INVALID_PARAMS };

export type RpcHandler = (params: Record<string, unknown>) => Promise<unknown>;

type Id = string | number | null;
export interface ErrorObject {
  code: number;
  message: string;
  data?: Record<string, unknown>;
}
type Response = { jsonrpc: '2.0'; id: Id; result: unknown } | { jsonrpc: '2.0'; id: Id; error: ErrorObject };

/** A well-formed call of a request, before it runs. */
export interface RpcCall {
  method: string;
  params: Record<string, unknown>;
}

export interface RpcOptions {
  methods: ReadonlyMap<string, RpcHandler>;
  log: FastifyBaseLogger;
  /** Most calls one batch may carry; a larger batch is refused whole, before anything runs. */
  maxCalls?: number;
  /**
   * Checks the request as a whole once its calls are read and before any runs (record limit, rate
   * limit). An AppError thrown here answers every call with it: nothing runs.
   */
  admit?: (calls: readonly RpcCall[]) => Promise<void>;
}

export interface RpcOutcome {
  /** Undefined when every call was a notification (nothing to send). */
  body: Response | Response[] | undefined;
  /** The longest Retry-After among the refusals (for the header), if any. */
  retryAfterSeconds?: number;
}

/** An adapter error as a JSON-RPC error object: the reason, our machine code, and whether to retry. */
export function rpcErrorFor(error: AppError): ErrorObject {
  const protocol = PROTOCOL_CODES[error.code];
  if (protocol !== undefined) {
    return { code: protocol, message: error.message, ...(Object.keys(error.details).length > 0 ? { data: { ...error.details } } : {}) };
  }
  const code = SERVER_CODES[error.status] ?? (error.status === 400 ? INVALID_PARAMS : INTERNAL_ERROR);
  return {
    code,
    message: error.message,
    data: {
      code: error.code,
      ...error.details,
      retryable: error.retryable,
      ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    },
  };
}

/**
 * A response carrying an error: every error object of the endpoint goes out through here, its
 * message and data redacted (a message may quote a body, a method name or a path that holds a key).
 */
export const errorResponse = (id: Id, error: ErrorObject): Response => ({
  jsonrpc: '2.0',
  id,
  error: {
    code: error.code,
    message: redactSecrets(error.message),
    ...(error.data !== undefined ? { data: redactSecretsIn(error.data) as Record<string, unknown> } : {}),
  },
});

const validId = (id: unknown): id is Id => typeof id === 'string' || id === null || (typeof id === 'number' && Number.isFinite(id));

/** Named params (an object), or one object passed positionally; absent = {}. */
function namedParams(params: unknown): Record<string, unknown> | undefined {
  if (params === undefined) return {};
  if (isPlainObject(params)) return params;
  if (Array.isArray(params) && params.length === 0) return {};
  if (Array.isArray(params) && params.length === 1 && isPlainObject(params[0])) return params[0];
  return undefined;
}

const SHAPE_DEPTH = 4;
const SHAPE_KEYS = 50;

/**
 * The shape of a params object for the debug log: keys (redacted) and JSON types, never values. Arrays show
 * their length and the shape of their first item. Bounded in depth and keys.
 */
export function shapeOf(value: unknown, depth = 0): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    return value.length === 0 ? [] : { array: value.length, item: depth >= SHAPE_DEPTH ? '…' : shapeOf(value[0], depth + 1) };
  }
  if (typeof value === 'object') {
    if (depth >= SHAPE_DEPTH) return 'object';
    const keys = Object.keys(value);
    const shape: Record<string, unknown> = Object.fromEntries(
      keys.slice(0, SHAPE_KEYS).map((key) => [redactSecrets(key), shapeOf((value as Record<string, unknown>)[key], depth + 1)]),
    );
    if (keys.length > SHAPE_KEYS) shape['…'] = `${keys.length - SHAPE_KEYS} more keys`;
    return shape;
  }
  return typeof value;
}

type Parsed =
  | { kind: 'answered'; response: Response | undefined }
  | { kind: 'call'; id: Id; notification: boolean; call: RpcCall; handler: RpcHandler };

function parseCall(request: unknown, methods: ReadonlyMap<string, RpcHandler>): Parsed {
  const answer = (response: Response | undefined): Parsed => ({ kind: 'answered', response });
  if (!isPlainObject(request)) return answer(errorResponse(null, { code: INVALID_REQUEST, message: 'Invalid Request' }));
  const notification = !Object.hasOwn(request, 'id');
  const id = validId(request.id) ? request.id : null;
  if ((!notification && !validId(request.id)) || request.jsonrpc !== '2.0' || typeof request.method !== 'string') {
    return answer(
      errorResponse(id, {
        code: INVALID_REQUEST,
        message: 'Invalid Request',
        data: { problems: ['Expected {"jsonrpc":"2.0","method":…,"params"?:…,"id"?:…}.'] },
      }),
    );
  }
  if (request.params !== undefined && (typeof request.params !== 'object' || request.params === null)) {
    return answer(
      errorResponse(id, {
        code: INVALID_REQUEST,
        message: 'Invalid Request',
        data: { problems: ['params must be an object or an array.'] },
      }),
    );
  }
  const reply = (response: Response) => answer(notification ? undefined : response);
  const handler = methods.get(request.method);
  if (!handler) return reply(errorResponse(id, { code: METHOD_NOT_FOUND, message: 'Method not found', data: { method: request.method } }));
  const params = namedParams(request.params);
  if (!params) return reply(errorResponse(id, rpcErrorFor(invalidParams(['params must be an object of named parameters.']))));
  return { kind: 'call', id, notification, call: { method: request.method, params }, handler };
}

export async function handleJsonRpc(body: unknown, options: RpcOptions): Promise<RpcOutcome> {
  const { methods, log } = options;
  const single = !Array.isArray(body);
  const requests: unknown[] = Array.isArray(body) ? body : [body];
  if (requests.length === 0) {
    return { body: errorResponse(null, { code: INVALID_REQUEST, message: 'Invalid Request', data: { problems: ['An empty batch.'] } }) };
  }
  const maxCalls = options.maxCalls ?? Number.POSITIVE_INFINITY;
  if (requests.length > maxCalls) {
    const refusal = new AppError(413, 'BATCH_TOO_LARGE', `A batch may carry at most ${maxCalls} calls; this one has ${requests.length}.`, {
      maximumCalls: maxCalls,
      receivedCalls: requests.length,
    });
    return { body: errorResponse(null, rpcErrorFor(refusal)) };
  }

  const parsed = requests.map((request) => parseCall(request, methods));
  const calls = parsed.flatMap((p) => (p.kind === 'call' ? [p] : []));
  for (const { call } of calls) log.debug({ rpc: { method: call.method, params: shapeOf(call.params) } }, 'hightouch rpc call');

  let refusal: AppError | undefined;
  try {
    if (calls.length > 0) await options.admit?.(calls.map((c) => c.call));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    refusal = error;
  }

  const refusals: AppError[] = refusal ? [refusal] : [];
  const responses: Response[] = [];
  let ran = 0;
  for (const entry of parsed) {
    if (entry.kind === 'answered') {
      if (entry.response) responses.push(entry.response);
      continue;
    }
    // Between calls, let other requests in: a call whose database work resolves without I/O (the
    // embedded PGlite) would otherwise chain every call of the batch in one turn of the event loop.
    if (ran++ > 0) await new Promise((resolve) => setImmediate(resolve));
    const response = refusal ? errorResponse(entry.id, rpcErrorFor(refusal)) : await run(entry, refusals, log);
    if (!entry.notification) responses.push(response);
  }
  const retryAfterSeconds = Math.max(0, ...refusals.map((r) => r.retryAfterSeconds ?? 0));
  return {
    body: responses.length === 0 ? undefined : single ? responses[0] : responses,
    ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}),
  };
}

async function run(entry: Extract<Parsed, { kind: 'call' }>, refusals: AppError[], log: FastifyBaseLogger): Promise<Response> {
  const { id, call, handler } = entry;
  try {
    return { jsonrpc: '2.0', id, result: (await handler(call.params)) ?? null };
  } catch (error) {
    if (error instanceof AppError) {
      refusals.push(error);
      return errorResponse(id, rpcErrorFor(error));
    }
    log.error({ err: loggableError(error), method: call.method }, 'hightouch rpc: unexpected error');
    return errorResponse(id, { code: INTERNAL_ERROR, message: 'Internal error', data: { code: 'INTERNAL', retryable: true } });
  }
}
