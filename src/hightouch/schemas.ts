import { HIGHTOUCH_TYPES, OBJECT_IDS, REST_MODES } from './objects.ts';

/**
 * The REST contract, written once: each route's Fastify `schema` (params, body, responses with
 * descriptions) is also where the OpenAPI document comes from (@fastify/swagger, openapi.ts).
 * Named schemas are registered with the scope by their `$id` (COMPONENTS) and referred to with
 * `ref(name)`: Fastify resolves the references when it serializes a response, and the document
 * lists them as `#/components/schemas/<name>`.
 */

type Schema = Record<string, unknown>;

type ComponentName =
  | 'Error'
  | 'ValidateResponse'
  | 'ObjectDescriptor'
  | 'ObjectList'
  | 'Field'
  | 'FieldList'
  | 'FieldDeclaration'
  | 'FieldCreated'
  | 'Record'
  | 'IngestRequest'
  | 'RecordResult'
  | 'IngestSummary'
  | 'IngestResponse';

/** A reference to a named schema. */
const ref = (name: ComponentName): Schema => ({ $ref: `${name}#` });

const nullable = (type: string) => ({ type: [type, 'null'] });

const ErrorBody: Schema = {
  $id: 'Error',
  type: 'object',
  description: 'Every error response has this shape.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          description: 'Stable machine code.',
          examples: [
            'INVALID_PAYLOAD',
            'UNAUTHENTICATED',
            'FORBIDDEN',
            'NOT_FOUND',
            'METHOD_NOT_ALLOWED',
            'CONFLICT',
            'BATCH_TOO_LARGE',
            'UNSUPPORTED_MEDIA_TYPE',
            'RATE_LIMITED',
            'SERVICE_UNAVAILABLE',
            'INTERNAL',
          ],
        },
        message: { type: 'string', description: 'Human-readable explanation.' },
        details: {
          type: 'object',
          additionalProperties: true,
          description: 'Machine-readable specifics (limits, parse position, user errors).',
        },
      },
    },
  },
};

const ValidateResponse: Schema = {
  $id: 'ValidateResponse',
  type: 'object',
  required: ['ok', 'workspace', 'scopes'],
  properties: {
    ok: { type: 'boolean', const: true },
    workspace: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
    scopes: { type: 'array', items: { type: 'string', enum: ['INGEST', 'READ', 'ADMIN'] }, description: 'Effective scopes of the key.' },
  },
};

const ObjectDescriptor: Schema = {
  $id: 'ObjectDescriptor',
  type: 'object',
  required: ['id', 'label', 'identifier', 'modes'],
  properties: {
    id: { type: 'string', enum: [...OBJECT_IDS] },
    label: { type: 'string' },
    identifier: { ...nullable('string'), description: 'Field id that identifies a record (null for events).' },
    modes: { type: 'array', items: { type: 'string', enum: [...REST_MODES] } },
  },
};

const ObjectList: Schema = {
  $id: 'ObjectList',
  type: 'object',
  required: ['objects'],
  properties: { objects: { type: 'array', items: ref('ObjectDescriptor') } },
};

const Field: Schema = {
  $id: 'Field',
  type: 'object',
  required: ['id', 'label', 'type', 'identifier', 'required', 'default'],
  properties: {
    id: { type: 'string', description: 'Field id to use as a key in records (snake_case for default fields; custom keys as sent).' },
    label: { type: 'string' },
    type: { type: 'string', enum: [...HIGHTOUCH_TYPES] },
    identifier: { type: 'boolean', description: 'The field identifying a record.' },
    required: { type: 'boolean', description: 'Needed to create a record.' },
    default: { type: 'boolean', description: 'True for typed default fields, false for custom fields.' },
  },
};

const FieldList: Schema = {
  $id: 'FieldList',
  type: 'object',
  required: ['fields'],
  properties: { fields: { type: 'array', items: ref('Field') } },
};

const FieldDeclaration: Schema = {
  $id: 'FieldDeclaration',
  type: 'object',
  description: 'A custom field to declare; records whose value does not fit its type are rejected with TYPE_MISMATCH.',
  required: ['id', 'type'],
  properties: {
    id: { type: 'string', description: 'Custom field key, e.g. `csm_email`.' },
    label: { type: 'string' },
    type: { type: 'string', enum: ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'EMAIL', 'URL'] },
  },
};

const FieldCreated: Schema = {
  $id: 'FieldCreated',
  type: 'object',
  required: ['field'],
  properties: { field: ref('Field') },
};

const Record: Schema = {
  $id: 'Record',
  type: 'object',
  description:
    'One row keyed by field id. Default fields by their ids (`account_id`, `company_name`, `email`, `event_name`, …); any other key is a custom field (an event property for events; events also accept a `properties` object). Values: string, number, boolean or null (null clears a field).',
  additionalProperties: true,
  examples: [{ account_id: 'a1', company_name: 'Acme', seats: 25, lifecycle_stage: 'customer' }],
};

const IngestRequest: Schema = {
  $id: 'IngestRequest',
  description:
    'Records to write: `{"records":[…]}`, a bare array of records, or a single record object. For `delete`, each record needs only its identifier.',
  anyOf: [
    { type: 'object', required: ['records'], properties: { records: { type: 'array', items: ref('Record') } } },
    { type: 'array', items: ref('Record') },
    ref('Record'),
  ],
};

const RecordResult: Schema = {
  $id: 'RecordResult',
  type: 'object',
  required: ['index', 'id', 'status', 'errors'],
  properties: {
    index: { type: 'integer', description: 'Position in the request (0-based).' },
    id: { ...nullable('string'), description: 'Account ID, User ID, or the event dedup key.' },
    status: { type: 'string', enum: ['created', 'updated', 'unchanged', 'duplicate', 'deleted', 'not_found', 'rejected'] },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'code', 'message'],
        properties: {
          field: {
            ...nullable('string'),
            description: 'Field id at fault (`email`, `company_name`, a custom key), or null for the whole record.',
          },
          code: { type: 'string', examples: ['REQUIRED', 'INVALID_EMAIL', 'TYPE_MISMATCH', 'INVALID_TIMESTAMP'] },
          message: { type: 'string' },
        },
      },
    },
  },
};

const count = { type: 'integer', minimum: 0 };
const IngestSummary: Schema = {
  $id: 'IngestSummary',
  type: 'object',
  required: ['received', 'created', 'updated', 'unchanged', 'duplicate', 'deleted', 'not_found', 'rejected'],
  properties: {
    received: count,
    created: count,
    updated: count,
    unchanged: count,
    duplicate: count,
    deleted: count,
    not_found: count,
    rejected: count,
  },
};

const IngestResponse: Schema = {
  $id: 'IngestResponse',
  type: 'object',
  description: 'One result per record, in request order, and the counts. Sent with 200 even when every record was rejected.',
  required: ['results', 'summary'],
  properties: { results: { type: 'array', items: ref('RecordResult') }, summary: ref('IngestSummary') },
};

/** Every named schema, each with its `$id`: added to the scope before the routes that refer to them. */
export const COMPONENTS: readonly Schema[] = [
  ErrorBody,
  ValidateResponse,
  ObjectDescriptor,
  ObjectList,
  Field,
  FieldList,
  FieldDeclaration,
  FieldCreated,
  Record,
  IngestRequest,
  RecordResult,
  IngestSummary,
  IngestResponse,
];

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

interface ResponseSpec {
  description: string;
  content: { 'application/json': { schema: Schema } };
}

export interface RouteSchema {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  params?: Schema;
  querystring?: Schema;
  body?: Schema;
  response: Record<number, ResponseSpec>;
}

const json = (description: string, schema: Schema): ResponseSpec => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(description, ref('Error'));

const common = {
  401: error('Missing, invalid, revoked or expired API key.'),
  429: error('Rate limited; retry after the `Retry-After` seconds.'),
  500: error('Unexpected fault (details are logged, never returned).'),
  503: error('The database is unavailable; nothing was stored. Retry after `Retry-After` seconds.'),
};
const bodyErrors = {
  400: error('Malformed JSON or envelope (`INVALID_PAYLOAD`, with details).'),
  403: error('The key lacks the INGEST scope.'),
  413: error('Too many records or bytes (`BATCH_TOO_LARGE`); `details` gives the maximum.'),
  415: error('The body is not JSON, or its Content-Encoding is not supported.'),
};

const objectParam = { type: 'string', enum: [...OBJECT_IDS], description: 'account, user or event.' };

export const ROUTE_SCHEMAS = {
  validate: {
    operationId: 'validateKey',
    summary: 'Check an API key',
    description: 'Hightouch calls this when the destination is saved: the key works, and for which workspace.',
    tags: ['Connection'],
    response: { 200: json('The key is valid.', ref('ValidateResponse')), ...common },
  },
  listObjects: {
    operationId: 'listObjects',
    summary: 'List objects',
    tags: ['Schema'],
    response: { 200: json('Objects that can be synced, with their identifier and modes.', ref('ObjectList')), ...common },
  },
  listFields: {
    operationId: 'listFields',
    summary: "List an object's fields",
    description: "The default fields, then the workspace's custom fields (`default: false`).",
    tags: ['Schema'],
    params: { type: 'object', required: ['object'], properties: { object: objectParam } },
    response: { 200: json('Fields to map to.', ref('FieldList')), 404: error('Unknown object.'), ...common },
  },
  createField: {
    operationId: 'createField',
    summary: 'Declare a custom field',
    tags: ['Schema'],
    params: { type: 'object', required: ['object'], properties: { object: objectParam } },
    body: ref('FieldDeclaration'),
    response: {
      201: json('The field is declared (or already was, with this type).', ref('FieldCreated')),
      404: error('Unknown object.'),
      409: error('The field exists with another type (`CONFLICT`).'),
      ...bodyErrors,
      ...common,
    },
  },
  ingest: {
    operationId: 'writeRecords',
    summary: 'Write records',
    description:
      'Accounts and users: `upsert`, `update` (existing records only) or `delete`. Events: `insert` (replays are `duplicate`, never counted twice). Records are validated one by one: a bad record is `rejected` with its errors and the others are written.',
    tags: ['Records'],
    params: {
      type: 'object',
      required: ['object', 'mode'],
      properties: { object: objectParam, mode: { type: 'string', enum: [...REST_MODES] } },
    },
    querystring: {
      type: 'object',
      properties: {
        rejected: {
          type: 'string',
          enum: ['report', 'fail'],
          default: 'report',
          description:
            '`report`: 200 whatever was refused. `fail` (strict): 422 with the same body when any record was rejected (or, in `update` mode, not found). Valid records are stored either way.',
        },
      },
    },
    body: ref('IngestRequest'),
    response: {
      200: json('Per-record results and counts.', ref('IngestResponse')),
      422: json(
        'Strict mode (`?rejected=fail`): at least one record was refused; the same per-record results and counts.',
        ref('IngestResponse'),
      ),
      404: error('Unknown object, or a mode the object does not support.'),
      ...bodyErrors,
      ...common,
    },
  },
} satisfies Record<string, RouteSchema>;
