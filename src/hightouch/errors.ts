import type { FastifyBaseLogger } from 'fastify';
import { AppError, batchTooLarge, knownFault } from '../errors.ts';
import { loggableError } from '../observability/http.ts';

// The adapter's vocabulary of the service-wide AppError (src/errors.ts): REST renders it as
// `{"error":{"code","message","details"}}`, JSON-RPC as an error object; both set the status and
// Retry-After from it.

export const invalidPayload = (message: string, details?: Record<string, unknown>) =>
  new AppError(400, 'INVALID_PAYLOAD', message, details);

/** A JSON-RPC call whose params cannot be used (rendered as the protocol's -32602 "Invalid params"). */
export const invalidParams = (problems: string[]) => new AppError(400, 'INVALID_PARAMS', 'Invalid params', { problems });

export const notFound = (message: string) => new AppError(404, 'NOT_FOUND', message);

export const tooManyRecords = (received: number, maximum: number) => batchTooLarge(received, maximum, 'request');

export const bodyTooLarge = (maximumBytes: number) =>
  new AppError(413, 'BATCH_TOO_LARGE', `The request body may be at most ${maximumBytes} bytes (after decompression).`, {
    maximumBytes,
  });

export const unsupportedMediaType = (message: string) => new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', message);

export const internal = () => new AppError(500, 'INTERNAL', 'Internal server error.');

/**
 * Any error that reached an error handler, as an AppError: known faults (ours, the shared HTTP
 * layer's refusals, database outages) unchanged, Fastify's body errors by their codes, everything
 * else a logged 500.
 */
export function toAdapterError(error: unknown, log: FastifyBaseLogger, maxBodyBytes: number): AppError {
  const fault = knownFault(error);
  if (fault) return fault;
  const e = error as { code?: string; statusCode?: number; message?: string };
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLarge(maxBodyBytes);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType('Send the body as JSON with `Content-Type: application/json`.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalidPayload('The body length does not match the Content-Length header.');
  }
  if (typeof e?.code === 'string' && e.code.startsWith('Z_')) {
    return invalidPayload('The compressed body could not be decompressed.', { reason: e.message });
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new AppError(e.statusCode, e.statusCode === 400 ? 'INVALID_PAYLOAD' : 'BAD_REQUEST', e.message ?? 'Bad request.');
  }
  log.error({ err: loggableError(error) }, 'hightouch adapter: unexpected error');
  return internal();
}
