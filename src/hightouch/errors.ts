import type { FastifyBaseLogger } from 'fastify';
import type { GraphQLFormattedError } from 'graphql';
import { isDatabaseUnavailable } from '../errors.ts';
import { HttpError } from '../http/errors.ts';

/**
 * One error type for the whole adapter, carrying its HTTP status. REST renders it as
 * `{"error":{"code","message","details"}}`, JSON-RPC as an error object; both set the status and
 * Retry-After from it.
 */
export class HightouchError extends Error {
  override name = 'HightouchError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** Whether sending the same request again later can succeed: rate limits, outages and faults can; the rest cannot. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }

  /** Fastify reads `statusCode` on errors raised while reading a body. */
  get statusCode(): number {
    return this.status;
  }
}

export const invalidPayload = (message: string, details?: Record<string, unknown>) =>
  new HightouchError(400, 'INVALID_PAYLOAD', message, details);

export const notFound = (message: string) => new HightouchError(404, 'NOT_FOUND', message);

export const tooManyRecords = (received: number, maximum: number) =>
  new HightouchError(413, 'BATCH_TOO_LARGE', `A request may carry at most ${maximum} records; this one has ${received}.`, {
    maximum,
    received,
  });

export const bodyTooLarge = (maximumBytes: number) =>
  new HightouchError(413, 'BATCH_TOO_LARGE', `The request body may be at most ${maximumBytes} bytes (after decompression).`, {
    maximumBytes,
  });

export const unavailable = (retryAfterSeconds = 5) =>
  new HightouchError(
    503,
    'SERVICE_UNAVAILABLE',
    'The database is unavailable; nothing of this request was stored. Retry later.',
    undefined,
    retryAfterSeconds,
  );

export const internal = () => new HightouchError(500, 'INTERNAL', 'Internal server error.');

function retryAfter(extensions: Record<string, unknown> | undefined, fallback: number): number {
  const value = Number(extensions?.retryAfterSeconds);
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : fallback;
}

/** A thrown GraphQL error (from `server.execute`) in the adapter's terms. Internals never leak. */
export function fromGraphQLError(error: GraphQLFormattedError, log: FastifyBaseLogger): HightouchError {
  const extensions = error.extensions as Record<string, unknown> | undefined;
  switch (extensions?.code) {
    case 'UNAUTHENTICATED':
      return new HightouchError(401, 'UNAUTHENTICATED', error.message);
    case 'FORBIDDEN':
      return new HightouchError(403, 'FORBIDDEN', error.message, pick(extensions, ['requiredScope']));
    case 'BATCH_TOO_LARGE':
      return new HightouchError(413, 'BATCH_TOO_LARGE', error.message, pick(extensions, ['maximum', 'received']));
    case 'RATE_LIMITED':
      return new HightouchError(429, 'RATE_LIMITED', error.message, undefined, retryAfter(extensions, 1));
    case 'SERVICE_UNAVAILABLE':
      return unavailable(retryAfter(extensions, 5));
    case 'BAD_USER_INPUT':
      // The input itself cannot be processed (e.g. a value the database rejects): final, not retryable.
      return invalidPayload(error.message);
    default:
      log.error(
        { graphqlError: { message: error.message, code: extensions?.code, path: error.path } },
        'hightouch adapter: unexpected GraphQL error',
      );
      return internal();
  }
}

function pick(source: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> | undefined {
  const out = Object.fromEntries(keys.filter((key) => source?.[key] !== undefined).map((key) => [key, source?.[key]]));
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Any error that reached an error handler, as a HightouchError: ours unchanged, Fastify's body
 * errors by their codes, database outages as 503, everything else a logged 500.
 */
export function toHightouchError(error: unknown, log: FastifyBaseLogger, maxBodyBytes: number): HightouchError {
  if (error instanceof HightouchError) return error;
  // Refusals of the shared HTTP layer (src/http: rate limit, body rules) keep their code and Retry-After.
  if (error instanceof HttpError) {
    const details = Object.keys(error.details).length > 0 ? error.details : undefined;
    return new HightouchError(error.statusCode, error.code, error.message, details, error.retryAfterSeconds);
  }
  const e = error as { code?: string; statusCode?: number; message?: string };
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLarge(maxBodyBytes);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HightouchError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON with `Content-Type: application/json`.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalidPayload('The body length does not match the Content-Length header.');
  }
  if (typeof e?.code === 'string' && e.code.startsWith('Z_')) {
    return invalidPayload('The compressed body could not be decompressed.', { reason: e.message });
  }
  if (isDatabaseUnavailable(error)) return unavailable();
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new HightouchError(e.statusCode, e.statusCode === 400 ? 'INVALID_PAYLOAD' : 'BAD_REQUEST', e.message ?? 'Bad request.');
  }
  log.error({ err: error }, 'hightouch adapter: unexpected error');
  return internal();
}
