import type { FastifyBaseLogger } from 'fastify';
import { HightouchError } from './errors.ts';
import { isPlainObject } from './mapping.ts';

/**
 * A small JSON-RPC 2.0 server core (what Hightouch's examples get from jayson): single and batch
 * requests, notifications, the standard error codes. Calls of a batch run one after another, in
 * order. HTTP status is 200 unless a call hit a condition the whole request must answer for
 * (bad key 401, scope 403, too large 413, rate limit 429, database down 503): then Hightouch
 * sees that status and retries or reports the batch as a whole.
 */

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;

/** Implementation-defined server errors (-32000 to -32099), by HTTP status. */
const SERVER_CODES: Record<number, number> = { 401: -32001, 403: -32003, 413: -32013, 429: -32029, 503: -32053 };
/** Which status wins when several calls of a batch fail differently. */
const STATUS_PRIORITY = [401, 503, 429, 403, 413];

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
  }

  toObject(): ErrorObject {
    return { code: this.code, message: this.message, ...(this.data ? { data: this.data } : {}) };
  }
}

export const invalidParams = (problems: string[]) => new RpcError(INVALID_PARAMS, 'Invalid params', { problems });

export type RpcHandler = (params: Record<string, unknown>) => Promise<unknown>;

type Id = string | number | null;
interface ErrorObject {
  code: number;
  message: string;
  data?: Record<string, unknown>;
}
type Response = { jsonrpc: '2.0'; id: Id; result: unknown } | { jsonrpc: '2.0'; id: Id; error: ErrorObject };

export interface RpcOutcome {
  /** Undefined when every call was a notification (nothing to send). */
  body: Response | Response[] | undefined;
  /** Set when the HTTP status must not be 200. */
  failure?: HightouchError;
}

export function rpcErrorFor(error: HightouchError): ErrorObject {
  const code = SERVER_CODES[error.status] ?? (error.status === 400 ? INVALID_PARAMS : INTERNAL_ERROR);
  return { code, message: error.message, data: { code: error.code, ...error.details } };
}

export const errorResponse = (id: Id, error: ErrorObject): Response => ({ jsonrpc: '2.0', id, error });

const validId = (id: unknown): id is Id => typeof id === 'string' || id === null || (typeof id === 'number' && Number.isFinite(id));

/** Named params (an object), or one object passed positionally; absent = {}. */
function namedParams(params: unknown): Record<string, unknown> | undefined {
  if (params === undefined) return {};
  if (isPlainObject(params)) return params;
  if (Array.isArray(params) && params.length === 0) return {};
  if (Array.isArray(params) && params.length === 1 && isPlainObject(params[0])) return params[0];
  return undefined;
}

export async function handleJsonRpc(body: unknown, methods: ReadonlyMap<string, RpcHandler>, log: FastifyBaseLogger): Promise<RpcOutcome> {
  const failures: HightouchError[] = [];

  const call = async (request: unknown): Promise<Response | undefined> => {
    if (!isPlainObject(request)) return errorResponse(null, { code: INVALID_REQUEST, message: 'Invalid Request' });
    const isNotification = !Object.hasOwn(request, 'id');
    const id = validId(request.id) ? request.id : null;
    if ((!isNotification && !validId(request.id)) || request.jsonrpc !== '2.0' || typeof request.method !== 'string') {
      return errorResponse(id, {
        code: INVALID_REQUEST,
        message: 'Invalid Request',
        data: { problems: ['Expected {"jsonrpc":"2.0","method":…,"params"?:…,"id"?:…}.'] },
      });
    }
    if (request.params !== undefined && typeof request.params !== 'object') {
      return errorResponse(id, {
        code: INVALID_REQUEST,
        message: 'Invalid Request',
        data: { problems: ['params must be an object or an array.'] },
      });
    }
    const reply = (response: Response) => (isNotification ? undefined : response);
    const method = methods.get(request.method);
    if (!method) return reply(errorResponse(id, { code: METHOD_NOT_FOUND, message: 'Method not found', data: { method: request.method } }));
    const params = namedParams(request.params);
    if (!params) return reply(errorResponse(id, invalidParams(['params must be an object of named parameters.']).toObject()));
    try {
      return reply({ jsonrpc: '2.0', id, result: (await method(params)) ?? null });
    } catch (error) {
      if (error instanceof RpcError) return reply(errorResponse(id, error.toObject()));
      if (error instanceof HightouchError) {
        if (STATUS_PRIORITY.includes(error.status)) failures.push(error);
        return reply(errorResponse(id, rpcErrorFor(error)));
      }
      log.error({ err: error, method: request.method }, 'hightouch rpc: unexpected error');
      return reply(errorResponse(id, { code: INTERNAL_ERROR, message: 'Internal error' }));
    }
  };

  let responses: Response | Response[] | undefined;
  if (Array.isArray(body)) {
    if (body.length === 0) {
      responses = errorResponse(null, { code: INVALID_REQUEST, message: 'Invalid Request', data: { problems: ['An empty batch.'] } });
    } else {
      const all: Response[] = [];
      for (const request of body) {
        const response = await call(request);
        if (response) all.push(response);
      }
      responses = all.length > 0 ? all : undefined;
    }
  } else {
    responses = await call(body);
  }
  const failure = STATUS_PRIORITY.map((status) => failures.find((f) => f.status === status)).find(Boolean);
  return { body: responses, ...(failure ? { failure } : {}) };
}
