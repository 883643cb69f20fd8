import { GraphQLError } from 'graphql';

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
  // resources) and 57014 (statement timeout: the database is too slow to answer now).
  if (/^(08|57P|53)/.test(code) || code === '57014') return true;
  if (/PGlite is closed/i.test(e.message ?? '')) return true;
  return e.cause !== undefined && e.cause !== error && isDatabaseUnavailable(e.cause);
}
