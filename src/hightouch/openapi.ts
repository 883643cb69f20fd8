import { COMPONENTS, type RouteSchema } from './schemas.ts';

/** A REST route as registered: the OpenAPI document is derived from exactly these objects. */
export interface DocumentedRoute {
  method: 'GET' | 'POST';
  /** Fastify path relative to the prefix, e.g. `/objects/:object/fields`. */
  url: string;
  schema: RouteSchema;
}

const componentNames = new Map<unknown, string>(Object.entries(COMPONENTS).map(([name, schema]) => [schema, name]));

/** Deep copy that replaces every named schema (other than `self`) by a reference to its component. */
function withRefs(value: unknown, self?: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => withRefs(item));
  if (typeof value !== 'object' || value === null) return value;
  const name = componentNames.get(value);
  if (name !== undefined && value !== self) return { $ref: `#/components/schemas/${name}` };
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withRefs(item)]));
}

const toOpenApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

function operation(route: DocumentedRoute) {
  const { operationId, summary, description, tags, params, querystring, body, response } = route.schema;
  const parameters = (where: 'path' | 'query', schema: RouteSchema['params']) =>
    Object.entries((schema?.properties ?? {}) as Record<string, Record<string, unknown>>).map(([name, property]) => ({
      name,
      in: where,
      required: where === 'path',
      ...(typeof property.description === 'string' ? { description: property.description } : {}),
      schema: withRefs(property),
    }));
  const all = [...parameters('path', params), ...parameters('query', querystring)];
  return {
    operationId,
    summary,
    ...(description ? { description } : {}),
    tags,
    ...(all.length > 0 ? { parameters: all } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            ...(typeof body.description === 'string' ? { description: body.description } : {}),
            content: { 'application/json': { schema: withRefs(body) } },
          },
        }
      : {}),
    responses: withRefs(response),
  };
}

export function buildOpenApiDocument(routes: readonly DocumentedRoute[], basePath: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.url);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Correlated — Hightouch destination API',
      version: '1.0.0',
      description:
        'Receives Accounts, Users and Events from Hightouch. Every request needs `Authorization: Bearer <key>` (create the key with Integrations → Hightouch → Connect). Request bodies are JSON, optionally gzip-compressed (`Content-Encoding: gzip`).',
    },
    servers: [{ url: basePath, description: 'This server' }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key with the INGEST scope (reads work with any key).' },
      },
      schemas: Object.fromEntries(Object.entries(COMPONENTS).map(([name, schema]) => [name, withRefs(schema, schema)])),
    },
  };
}
