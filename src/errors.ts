import { GraphQLError } from 'graphql';
import { isStorableText } from './text.ts';

// Thrown errors are for authentication, authorization, limits and system faults only; business
// failures are data (userErrors, per-record results). `http.status` is honoured by Apollo Server.

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'BATCH_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export function apiError(
  code: ErrorCode,
  message: string,
  options: { status?: number; details?: Record<string, unknown> } = {},
): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code, ...options.details, ...(options.status ? { http: { status: options.status } } : {}) },
  });
}

export const unauthenticated = (message = 'Missing, invalid, revoked or expired API key. Send `Authorization: Bearer <key>`.') =>
  apiError('UNAUTHENTICATED', message, { status: 401 });

export const forbidden = (scope: string) =>
  apiError('FORBIDDEN', `This API key lacks the ${scope} scope.`, { details: { requiredScope: scope } });

export const badUserInput = (message: string, details?: Record<string, unknown>) =>
  apiError('BAD_USER_INPUT', message, details ? { details } : {});

/** BAD_USER_INPUT unless a text argument can be stored or compared by the database (no NUL, no lone surrogate). */
export function assertStorable(value: string, argument: string): void {
  if (!isStorableText(value)) throw badUserInput(`\`${argument}\` must be valid Unicode text without NUL characters.`, { argument });
}

export const batchTooLarge = (received: number, maximum: number) =>
  apiError('BATCH_TOO_LARGE', `A call may carry at most ${maximum} records; this one has ${received}.`, {
    status: 413,
    details: { maximum, received },
  });

export const serviceUnavailable = (retryAfterSeconds = 5) =>
  apiError('SERVICE_UNAVAILABLE', 'The database is unavailable; nothing of this call was stored. Retry later.', {
    status: 503,
    details: { retryAfterSeconds },
  });

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
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code)) return { sqlState: e.code, message: String(e.message ?? '') };
    e = e.cause as typeof e;
  }
  return undefined;
}

export const invalidValue = (detail: { sqlState: string; message: string }) =>
  badUserInput(`A value in this request cannot be processed: ${detail.message}`, { sqlState: detail.sqlState });
