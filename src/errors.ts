import { isStorableText } from './text.ts';

// One error family for the whole service. A fault is described once, where it is known, as an
// AppError (machine code, message, HTTP status, details, Retry-After); each transport renders it
// at its edge: GraphQL as `extensions` (graphqlExtensions), REST as `{"error":{…}}` (restErrorBody),
// JSON-RPC as an error object (src/hightouch/jsonrpc.ts). Thrown errors are for authentication,
// authorization, limits and system faults only; business failures are data (userErrors,
// per-record results).

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'BATCH_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR'
  // Transport-level codes (request bodies, routes, the Hightouch adapter's own vocabulary).
  | (string & {});

/** Statuses that refuse a whole GraphQL request (a field error of any other kind leaves the response 200). */
const GRAPHQL_REQUEST_STATUSES = new Set([401, 413, 429, 503]);

export class AppError extends Error {
  override name = 'AppError';
  readonly details: Readonly<Record<string, unknown>>;
  constructor(
    /** The HTTP status of the condition (GraphQL uses it only for whole-request refusals). */
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    details?: Record<string, unknown>,
    /** Sent as the Retry-After header and in the body. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.details = details ?? {};
  }

  /** Whether sending the same request again later can succeed: rate limits, outages and faults can; the rest cannot. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }

  /** Fastify reads `statusCode` on errors raised in hooks and while reading a body. */
  get statusCode(): number {
    return this.status;
  }

  /**
   * The GraphQL rendering. graphql-js copies an original error's `extensions` when it wraps a
   * resolver's error; Apollo Server honours and strips `http`.
   */
  get extensions(): Record<string, unknown> {
    return {
      ...graphqlExtensions(this),
      ...(GRAPHQL_REQUEST_STATUSES.has(this.status) ? { http: { status: this.status } } : {}),
    };
  }
}

/** Details with the Retry-After seconds, as every transport's body carries them. */
function detailsOf(error: AppError): Record<string, unknown> {
  return error.retryAfterSeconds === undefined ? { ...error.details } : { ...error.details, retryAfterSeconds: error.retryAfterSeconds };
}

/** `extensions` of a GraphQL error: the code and the details beside it. */
export function graphqlExtensions(error: AppError): Record<string, unknown> {
  return { code: error.code, ...detailsOf(error) };
}

/** The REST body: `{"error":{"code","message","details"?}}`. */
export function restErrorBody(error: AppError): { error: { code: string; message: string; details?: Record<string, unknown> } } {
  const details = detailsOf(error);
  return { error: { code: error.code, message: error.message, ...(Object.keys(details).length > 0 ? { details } : {}) } };
}

/** Retry-After header value of an error, if it has one. */
export function retryAfterHeader(error: AppError): string | undefined {
  return error.retryAfterSeconds === undefined ? undefined : String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
}

export const unauthenticated = (message = 'Missing, invalid, revoked or expired API key. Send `Authorization: Bearer <key>`.') =>
  new AppError(401, 'UNAUTHENTICATED', message);

export const forbidden = (scope: string) =>
  new AppError(403, 'FORBIDDEN', `This API key lacks the ${scope} scope.`, { requiredScope: scope });

export const badUserInput = (message: string, details?: Record<string, unknown>) => new AppError(400, 'BAD_USER_INPUT', message, details);

/** BAD_USER_INPUT unless a text argument can be stored or compared by the database (no NUL, no lone surrogate). */
export function assertStorable(value: string, argument: string): void {
  if (!isStorableText(value)) throw badUserInput(`\`${argument}\` must be valid Unicode text without NUL characters.`, { argument });
}

/** More records than one call may carry; `unit` names what was counted ("call", "request"). */
export const batchTooLarge = (received: number, maximum: number, unit = 'call') =>
  new AppError(413, 'BATCH_TOO_LARGE', `A ${unit} may carry at most ${maximum} records; this one has ${received}.`, {
    maximum,
    received,
  });

/** Seconds a client is asked to wait after an outage. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

export const serviceUnavailable = (retryAfterSeconds = OUTAGE_RETRY_AFTER_SECONDS) =>
  new AppError(
    503,
    'SERVICE_UNAVAILABLE',
    'The database is unavailable; nothing of this request was stored. Retry later.',
    undefined,
    retryAfterSeconds,
  );

/**
 * A statement that ran past the database's statement timeout (or was canceled): still a retryable
 * SERVICE_UNAVAILABLE, but saying what happened (`reason: STATEMENT_TIMEOUT`), so that a client can
 * tell "this request is too heavy now" from "the database is down".
 */
export const statementTimedOut = (retryAfterSeconds = OUTAGE_RETRY_AFTER_SECONDS) =>
  new AppError(
    503,
    'SERVICE_UNAVAILABLE',
    'The database did not answer this request within its statement timeout; nothing of it was stored. Retry later, or ask for less (a smaller page, a shorter window).',
    { reason: 'STATEMENT_TIMEOUT' },
    retryAfterSeconds,
  );

/**
 * The one place that knows which thrown values are faults with a known answer: an AppError is
 * itself; a database that cannot be reached (or is too slow: statement timeout) is a retryable
 * SERVICE_UNAVAILABLE with Retry-After. Anything else is undefined: a bug, for the caller to log.
 */
export function knownFault(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) return coded(error, (code) => code === '57014') ? statementTimedOut() : serviceUnavailable();
  return undefined;
}

/** The first error along `error`'s `cause` chain whose `code` (SQLSTATE or driver code) `match` accepts. */
function coded(error: unknown, match: (code: string) => boolean): { code: string; message: string } | undefined {
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string' && match(e.code)) return { code: e.code, message: String(e.message ?? '') };
    e = e.cause as typeof e;
  }
  return undefined;
}

/** Rethrow `error` as its known fault (a database outage becomes SERVICE_UNAVAILABLE). */
export function rethrowFault(error: unknown): never {
  throw knownFault(error) ?? error;
}

/** Errors from the driver that mean "the database cannot be reached", as opposed to a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; cause?: unknown } | undefined;
  if (!e) return false;
  const code = e.code ?? '';
  if (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'ENOTFOUND',
      'CONNECT_TIMEOUT',
      'CONNECTION_CLOSED',
      'CONNECTION_ENDED',
      'CONNECTION_DESTROYED',
    ].includes(code)
  )
    return true;
  // SQLSTATE classes 08 (connection exception), 57P (operator intervention: shutdown), 53 (insufficient
  // resources) and 57014 (statement timeout: the database is too slow to answer now). Not 08P01
  // (protocol violation, e.g. more than 65,535 bind parameters): that is a fault of the statement,
  // and retrying it can never succeed, so it must not tell clients to retry.
  if ((/^(08|57P|53)/.test(code) && code !== '08P01') || code === '57014') return true;
  if (/PGlite is closed/i.test(e.message ?? '')) return true;
  return e.cause !== undefined && e.cause !== error && isDatabaseUnavailable(e.cause);
}

/**
 * The SQLSTATE of a database error of class 22 (data exception: a value out of range, an invalid
 * date, a NUL byte, an unknown time zone…), or undefined. Such an error is caused by a value in the
 * request; it is reported as BAD_USER_INPUT, never as an internal error. Input is validated before
 * it reaches the database; this is the safety net for what validation missed.
 */
export function dataException(error: unknown): { sqlState: string; message: string } | undefined {
  const found = coded(error, (code) => /^22[0-9A-Z]{3}$/.test(code));
  return found && { sqlState: found.code, message: found.message };
}

export const invalidValue = (detail: { sqlState: string; message: string }) =>
  badUserInput(`A value in this request cannot be processed: ${detail.message}`, { sqlState: detail.sqlState });
