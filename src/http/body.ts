import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, knownFault } from '../errors.ts';
import { loggableError } from '../observability/http.ts';
import { registerErrorEdges, sendHttpError } from './errors.ts';

// Every body is refused before it costs anything: Fastify enforces `bodyLimit` while reading, then
// this parser rejects invalid UTF-8 (instead of silently turning it into U+FFFD), nesting deeper
// than `maxDepth` (checked on the text, before JSON.parse and before any recursive code sees it),
// and bad JSON — each as a 4xx JSON error, never a 5xx.
//
// Prototype poisoning: `__proto__` keys, and `constructor` keys holding an object with a
// `prototype`, are REMOVED (Fastify's default is to fail the request). A warehouse column can
// legitimately be called `constructor` (a plain value survives), and one odd key must not cost a
// whole Hightouch batch; removal leaves nothing that could reach an object's prototype later.

export class BodyError extends AppError {
  override name = 'BodyError';
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Nesting depth of a JSON text's arrays and objects, stopping as soon as it exceeds `max`. */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

// Cheap pre-check: only texts that could spell a dangerous key (possibly with \u escapes) pay for a reviver.
const SUSPICIOUS = /__proto__|constructor|\\u00[5-7][0-9a-fA-F]/;

function stripPoison(key: string, value: unknown): unknown {
  if (key === '__proto__') return undefined;
  if (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype')) return undefined;
  return value;
}

/** Parse a JSON text with the service's rules (depth limit, poisoned keys removed); throws BodyError. */
export function parseJson(text: string, maxDepth: number): unknown {
  if (text.trim() === '') throw new BodyError(400, 'INVALID_JSON', 'The request body is empty; send a JSON document.');
  if (jsonDepthExceeds(text, maxDepth)) {
    throw new BodyError(400, 'JSON_TOO_DEEP', `The JSON body nests deeper than ${maxDepth} levels.`);
  }
  try {
    return SUSPICIOUS.test(text) ? JSON.parse(text, stripPoison) : JSON.parse(text);
  } catch (error) {
    throw new BodyError(400, 'INVALID_JSON', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Decode UTF-8 strictly (a BOM is dropped); throws BodyError on invalid byte sequences. */
export function decodeUtf8(body: Buffer): string {
  try {
    return decoder.decode(body);
  } catch {
    throw new BodyError(400, 'INVALID_UTF8', 'The request body is not valid UTF-8.');
  }
}

function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
}

declare module 'fastify' {
  interface FastifyInstance {
    /** MAX_JSON_DEPTH, for scopes with their own parsers (the Hightouch adapter uses `parseJson` too). */
    maxJsonDepth: number;
  }
}

/** Replace Fastify's JSON parser with the service's one (applies to every route of `app`). */
export function registerJsonBodyParser(app: FastifyInstance, maxDepth: number): void {
  app.decorate('maxJsonDepth', maxDepth);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      const charset = charsetOf(request.headers['content-type']);
      if (charset && charset !== 'utf-8' && charset !== 'utf8') {
        throw new BodyError(415, 'UNSUPPORTED_MEDIA_TYPE', `Only UTF-8 JSON is accepted, not charset ${charset}.`);
      }
      done(null, parseJson(decodeUtf8(body as Buffer), maxDepth));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

const FASTIFY_CODES: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Unsupported Content-Type; send JSON with `Content-Type: application/json`.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'The request body is empty; send a JSON document.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST' },
  FST_ERR_VALIDATION: { status: 400, code: 'BAD_REQUEST' },
};

/**
 * The last-resort error handler: client mistakes become 4xx JSON in the caller's shape, a database
 * outage a 503 with Retry-After, and anything else a 500 whose details stay in the log; unknown
 * routes and the redaction of error bodies too (`registerErrorEdges`).
 */
export function registerErrorHandler(app: FastifyInstance, maxBodyBytes: number): void {
  registerErrorEdges(app);
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const fault = knownFault(error);
    if (fault) return sendHttpError(request, reply, fault);
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known?.code === 'PAYLOAD_TOO_LARGE') {
      const message = `The request body is larger than ${maxBodyBytes} bytes.`;
      return sendHttpError(request, reply, new AppError(413, known.code, message, { maximumBytes: maxBodyBytes }));
    }
    if (known) return sendHttpError(request, reply, new AppError(known.status, known.code, known.message ?? error.message));
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = status === 404 ? 'NOT_FOUND' : status === 405 ? 'METHOD_NOT_ALLOWED' : 'BAD_REQUEST';
      return sendHttpError(request, reply, new AppError(status, code, error.message));
    }
    request.log.error({ err: loggableError(error) }, 'unexpected error');
    return sendHttpError(request, reply, new AppError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error'));
  });
}

/** Batched GraphQL requests (an array body) carry at most `maxBatch` operations; 0 leaves Apollo to refuse them all. */
export function registerGraphqlBatchLimit(app: FastifyInstance, maxBatch: number): void {
  if (maxBatch <= 0) return;
  app.addHook('preValidation', async (request) => {
    if (!Array.isArray(request.body) || request.body.length <= maxBatch || request.routeOptions?.url !== '/graphql') return;
    const received = request.body.length;
    const message = `A batched request may carry at most ${maxBatch} operations; this one has ${received}.`;
    throw new AppError(413, 'BATCH_TOO_LARGE', message, { maximum: maxBatch, received });
  });
}
