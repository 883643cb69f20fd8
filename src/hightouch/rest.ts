import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, restErrorBody } from '../errors.ts';
import type { AppServer } from '../http/app.ts';
import { redactSecrets } from '../keys/secrets.ts';
import { invalidPayload, notFound } from './errors.ts';
import { customFieldDescriptor, listFields } from './fields.ts';
import { HightouchCreateCustomFieldDocument } from './gql/graphql.ts';
import { authenticate, callerOf, errorHeaders, principalOf } from './http.ts';
import { ingest } from './ingest.ts';
import { isPlainObject, toRestResponse } from './mapping.ts';
import { DECLARABLE_TYPES, findObject, type HightouchObject, OBJECTS, type RestMode } from './objects.ts';
import { ROUTE_SCHEMAS, type RouteSchema } from './schemas.ts';

/** The REST destination API: Hightouch's HTTP destinations and hand-written integrations. */

export function sendRestError(reply: FastifyReply, error: AppError): FastifyReply {
  return errorHeaders(reply, error).send(restErrorBody(error));
}

type Params = { object?: string; mode?: string };

function objectOf(request: FastifyRequest): HightouchObject {
  const id = (request.params as Params).object;
  const object = findObject(id);
  // Path segments are echoed redacted: a key pasted into the wrong place must not come back in a body or a log.
  if (!object) throw notFound(`Unknown object "${redactSecrets(String(id))}"; use ${OBJECTS.map((o) => o.id).join(', ')}.`);
  return object;
}

function modeOf(request: FastifyRequest, object: HightouchObject): RestMode {
  const mode = (request.params as Params).mode;
  const found = object.restModes.find((m) => m === mode);
  if (!found) throw notFound(`Unknown mode "${redactSecrets(String(mode))}" for ${object.id}; use ${object.restModes.join(', ')}.`);
  return found;
}

/** `?rejected=report` (default: 200 whatever was refused) or `?rejected=fail` (422 when any record was refused). */
function rejectedMode(request: FastifyRequest): 'report' | 'fail' {
  const value = (request.query as Record<string, unknown> | undefined)?.rejected;
  if (value === undefined || value === 'report' || value === 'fail') return value === 'fail' ? 'fail' : 'report';
  throw invalidPayload('The `rejected` query parameter must be `report` or `fail`.', { parameter: 'rejected', received: String(value) });
}

/** The records of a request: `{"records":[…]}`, a bare array, or one record object (a one-row HTTP Request template). */
export function recordsOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (isPlainObject(body)) {
    if (!Object.hasOwn(body, 'records')) return [body];
    if (Array.isArray(body.records)) return body.records;
    throw invalidPayload('`records` must be an array of records.', { path: 'records', received: jsonType(body.records) });
  }
  if (body === undefined) throw invalidPayload('The body is empty; send {"records":[…]}.');
  throw invalidPayload('The body must be {"records":[…]}, an array of records, or one record object.', { received: jsonType(body) });
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function fieldDeclaration(object: HightouchObject, body: unknown) {
  if (!isPlainObject(body))
    throw invalidPayload('Send {"id": "<custom field key>", "type": "STRING|NUMBER|BOOLEAN|DATETIME", "label"?: "…"}.');
  const problems: string[] = [];
  const id = typeof body.id === 'string' ? body.id : '';
  if (id.trim() === '') problems.push('`id` must be a non-empty string.');
  const type = typeof body.type === 'string' ? DECLARABLE_TYPES[body.type.toUpperCase()] : undefined;
  if (!type) problems.push(`\`type\` must be one of ${Object.keys(DECLARABLE_TYPES).join(', ')}.`);
  if (body.label !== undefined && body.label !== null && typeof body.label !== 'string') problems.push('`label` must be a string.');
  if (problems.length > 0 || !type) throw invalidPayload('Invalid field declaration.', { problems });
  return { object: object.kind, key: id, type, ...(typeof body.label === 'string' ? { label: body.label } : {}) };
}

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Wrong method on a known path: 405 with Allow (404 first when the path names an unknown object or mode). */
export function methodNotAllowed(
  scope: FastifyInstance,
  url: string,
  allowed: readonly string[],
  check?: (request: FastifyRequest) => void,
) {
  scope.route({
    method: OTHER_METHODS.filter((method) => !allowed.includes(method)),
    url,
    handler: async (request, reply) => {
      check?.(request);
      reply.header('allow', allowed.join(', '));
      return sendRestError(
        reply,
        new AppError(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allowed.join(' or ')}.`),
      );
    },
  });
}

interface RestRoute {
  method: 'GET' | 'POST';
  /** Fastify path relative to the prefix, e.g. `/objects/:object/fields`. */
  url: string;
  /** Validation is the adapter's own; the schema serializes responses and makes the OpenAPI document. */
  schema: RouteSchema;
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

function restRoutes(server: AppServer): RestRoute[] {
  return [
    {
      method: 'GET',
      url: '/validate',
      schema: ROUTE_SCHEMAS.validate,
      handler: async (request) => {
        const principal = principalOf(request);
        return { ok: true, workspace: { id: principal.workspace.id, name: principal.workspace.name }, scopes: principal.scopes };
      },
    },
    {
      method: 'GET',
      url: '/objects',
      schema: ROUTE_SCHEMAS.listObjects,
      handler: async () => ({
        objects: OBJECTS.map((object) => ({ id: object.id, label: object.label, identifier: object.identifier, modes: object.restModes })),
      }),
    },
    {
      method: 'GET',
      url: '/objects/:object/fields',
      schema: ROUTE_SCHEMAS.listFields,
      handler: async (request) => {
        const object = objectOf(request);
        const { ctx } = callerOf(server, request);
        return { fields: await listFields(ctx.db, ctx.workspaceId, object) };
      },
    },
    {
      method: 'POST',
      url: '/objects/:object/fields',
      schema: ROUTE_SCHEMAS.createField,
      handler: async (request, reply) => {
        const object = objectOf(request);
        const input = fieldDeclaration(object, request.body);
        const { ctx } = callerOf(server, request);
        const { payload } = await server.execute(ctx, HightouchCreateCustomFieldDocument, { input });
        const problem = payload.userErrors[0];
        if (problem || !payload.field) {
          const conflict = payload.userErrors.some((e) => e.code === 'CONFLICT');
          throw new AppError(
            conflict ? 409 : 400,
            conflict ? 'CONFLICT' : 'INVALID_PAYLOAD',
            problem?.message ?? 'The field was not created.',
            {
              userErrors: payload.userErrors,
            },
          );
        }
        return reply.code(201).send({ field: customFieldDescriptor(payload.field) });
      },
    },
    {
      method: 'POST',
      url: '/objects/:object/:mode',
      schema: ROUTE_SCHEMAS.ingest,
      handler: async (request, reply) => {
        const object = objectOf(request);
        const mode = modeOf(request, object);
        const strict = rejectedMode(request) === 'fail';
        const records = recordsOf(request.body);
        const payload = await ingest(callerOf(server, request), object, mode, records);
        // Strict mode: a batch with a refused record is not a success for the sender, so an HTTP
        // client that judges by the status (Hightouch's HTTP Request destination) retries or
        // reports it. The valid records are stored all the same; sending the batch again is safe.
        const refused = payload.rejected + (mode === 'update' ? payload.notFound : 0);
        return reply.code(strict && refused > 0 ? 422 : 200).send(toRestResponse(object, payload));
      },
    },
  ];
}

/** Path checks for the 405 routes: a path naming an unknown object or mode is a 404, not a 405. */
const PATH_CHECKS: Record<string, (request: FastifyRequest) => void> = {
  '/objects/:object/fields': (request) => void objectOf(request),
  '/objects/:object/:mode': (request) => void modeOf(request, objectOf(request)),
};

/** Register the REST routes (and 405s for the other methods on their paths). */
export function registerRestRoutes(scope: FastifyInstance, server: AppServer): void {
  // The key is checked on arrival; its scope where the mutation runs (once, for every transport).
  const onRequest = authenticate(server);
  const routes = restRoutes(server);
  for (const route of routes) {
    scope.route({
      method: route.method,
      url: route.url,
      schema: route.schema,
      onRequest,
      handler: route.handler,
    });
  }
  for (const url of new Set(routes.map((route) => route.url))) {
    methodNotAllowed(
      scope,
      url,
      routes.filter((route) => route.url === url).map((route) => route.method),
      PATH_CHECKS[url],
    );
  }
}
