import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AppError, rethrowFault, unauthenticated } from '../errors.ts';
import type { AppServer } from '../http/app.ts';
import { BodyError, decodeUtf8, parseJson as parseJsonText } from '../http/body.ts';
import { errorStatus } from '../http/errors.ts';
import type { Principal } from '../keys/models.ts';
import { bodyTooLarge, internal, invalidPayload, unsupportedMediaType } from './errors.ts';
import type { Caller } from './ingest.ts';

// HTTP concerns shared by the REST routes and the JSON-RPC endpoint: bodies (JSON only, gzip or
// deflate accepted, size limited after decompression), authentication, and how errors go out.

const JSON_SUFFIX = /^application\/[\w.+-]+\+json(;|$)/;

/** Install the body handling of the Hightouch scope (its parsers never affect /graphql). */
export function installBodyHandling(scope: FastifyInstance, maxBodyBytes: number): void {
  scope.removeAllContentTypeParsers();
  const options = { parseAs: 'buffer' as const, bodyLimit: maxBodyBytes };
  scope.addContentTypeParser('application/json', options, parseJson);
  scope.addContentTypeParser(JSON_SUFFIX, options, parseJson);
  scope.addHook('preParsing', async (request, _reply, payload) => decompress(request.headers['content-encoding'], payload, maxBodyBytes));
  // Envelopes are checked by the handlers (precise 400 details, 404 for unknown objects and modes)
  // and records by the mutations (per-record results): the route schemas document the contract
  // and shape the responses, but must not coerce or reject a whole batch on their own.
  scope.setValidatorCompiler(() => () => true);
}

// The service-wide body rules (src/http/body.ts): strict UTF-8, MAX_JSON_DEPTH checked before
// parsing, `__proto__` / `constructor.prototype` keys removed.
function parseJson(request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: unknown) => void): void {
  try {
    done(null, parseJsonText(decodeUtf8(body), request.server.maxJsonDepth));
  } catch (error) {
    done(error instanceof BodyError ? invalidPayload(error.message, { reason: error.code }) : (error as Error));
  }
}

/** Counts decompressed bytes and stops the inflater as soon as the limit is passed (a small gzip can expand enormously). */
class LimitedInflate extends Transform {
  /** Compressed bytes received: Fastify compares it with Content-Length. */
  receivedEncodedLength = 0;
  private produced = 0;

  constructor(
    private readonly limit: number,
    private readonly stop: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.produced += chunk.length;
    if (this.produced > this.limit) callback(bodyTooLarge(this.limit));
    else callback(null, chunk);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stop();
    callback(error);
  }
}

function decompress(header: string | string[] | undefined, payload: NodeJS.ReadableStream, limit: number): NodeJS.ReadableStream {
  const encoding = (Array.isArray(header) ? header.join(',') : (header ?? '')).trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return payload;
  const inflater =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : undefined;
  if (!inflater) {
    throw unsupportedMediaType(`Content-Encoding "${encoding}" is not supported; send gzip, deflate, br or none.`);
  }
  const out = new LimitedInflate(limit, () => {
    payload.unpipe(inflater);
    inflater.destroy();
  });
  payload.on('data', (chunk: Buffer) => {
    out.receivedEncodedLength += chunk.length;
  });
  payload.on('error', (error) => out.destroy(error));
  // Nobody reads `out` when the request fails before parsing (415, 404, GET): its error must not
  // become an unhandled 'error' event. The body reader adds its own listener when it does read.
  out.on('error', () => {});
  inflater.on('error', (error) => out.destroy(invalidPayload('The compressed body could not be decompressed.', { reason: error.message })));
  payload.pipe(inflater).pipe(out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

const principals = new WeakMap<FastifyRequest, Principal>();

/**
 * onRequest hook: a valid key before any body is read. Its scope is checked where the mutation
 * runs (src/context.ts requireScope), once, for REST, JSON-RPC and GraphQL alike.
 */
export function authenticate(server: AppServer) {
  return async (request: FastifyRequest): Promise<void> => {
    let principal: Principal | undefined;
    try {
      principal = await server.authenticateRequest(request);
    } catch (error) {
      rethrowFault(error);
    }
    if (!principal) throw unauthenticated();
    principals.set(request, principal);
  };
}

export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request);
  if (!principal) throw internal();
  return principal;
}

/** The caller's GraphQL context, for running mutations on its behalf. */
export function callerOf(server: AppServer, request: FastifyRequest): Caller {
  return { server, ctx: server.contextFor(request, principalOf(request)) };
}

/** Status-dependent headers of an error response. */
export function errorHeaders(reply: FastifyReply, error: AppError): FastifyReply {
  if (error.status === 401) reply.header('www-authenticate', 'Bearer');
  return errorStatus(reply, error);
}
