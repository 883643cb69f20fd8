import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import {
  type ConstDirectiveNode,
  type DocumentNode,
  GraphQLError,
  Kind,
  type ObjectTypeDefinitionNode,
  type OperationDefinitionNode,
  type OperationTypeNode,
  parse,
  type SelectionSetNode,
} from 'graphql';
import type { RateClass } from '../__generated__/types.ts';
import { type Context, requireScope } from '../context.ts';
import { AppError, graphqlExtensions, retryAfterHeader } from '../errors.ts';
import type { Scope } from '../keys/models.ts';
import { typeDefs } from './schema.ts';

// Authorization and rate-limit class of every root operation, read from the `@auth` directive of
// schema.graphql: the one place that says what an operation needs (checked here, by wrapping the
// root resolvers) and what it costs (read by the rate limiter, `src/http/rate-limit.ts`).

export type { RateClass };

export interface RootAuth {
  /** Scope the key needs; null: any authenticated key. */
  scope: Scope | null;
  rateClass: RateClass;
}

type RootType = 'Query' | 'Mutation';
const ROOT_TYPES: Record<RootType, OperationTypeNode> = { Query: 'query' as OperationTypeNode, Mutation: 'mutation' as OperationTypeNode };

function enumArgument(directive: ConstDirectiveNode, name: string): string | null {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.ENUM ? value.value : null;
}

/** `@auth` of each root field (`Query.viewer`, `Mutation.trackEvents`, …) and the root fields without one. */
export function readRootAuth(document: DocumentNode): { declared: Map<string, RootAuth>; undeclared: string[] } {
  const declared = new Map<string, RootAuth>();
  const undeclared: string[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || !(definition.name.value in ROOT_TYPES)) continue;
    for (const field of (definition as ObjectTypeDefinitionNode).fields ?? []) {
      const name = `${definition.name.value}.${field.name.value}`;
      const directive = field.directives?.find((d) => d.name.value === 'auth');
      const rateClass = directive && enumArgument(directive, 'rateClass');
      if (!directive || !rateClass) {
        undeclared.push(name);
        continue;
      }
      declared.set(name, { scope: enumArgument(directive, 'scope') as Scope | null, rateClass: rateClass as RateClass });
    }
  }
  return { declared, undeclared };
}

const { declared: ROOT_AUTH, undeclared } = readRootAuth(parse(typeDefs, { noLocation: true }));
if (undeclared.length > 0) throw new Error(`Root fields without @auth in schema.graphql: ${undeclared.join(', ')}`);

export const rootAuth: ReadonlyMap<string, RootAuth> = ROOT_AUTH;

// When several root fields of one operation differ, the operation spends a token of the first
// class in this order (an ingest mutation batched with anything else is ingestion).
const RATE_PRECEDENCE: readonly RateClass[] = ['INGEST', 'ADMIN', 'READ'];

/**
 * The rate class of an operation: from the `@auth` of its root fields. Introspection and unknown
 * fields (refused by validation) count as READ in a query and ADMIN in a mutation.
 */
export function operationRateClass(
  operation: OperationTypeNode | 'query' | 'mutation' | 'subscription',
  selections: SelectionSetNode,
): RateClass {
  const type = operation === 'mutation' ? 'Mutation' : 'Query';
  const classes = new Set<RateClass>();
  for (const selection of selections.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    classes.add(rootAuth.get(`${type}.${selection.name.value}`)?.rateClass ?? (type === 'Mutation' ? 'ADMIN' : 'READ'));
  }
  return RATE_PRECEDENCE.find((c) => classes.has(c)) ?? (type === 'Mutation' ? 'ADMIN' : 'READ');
}

type Resolver = (parent: unknown, args: unknown, ctx: Context, info: unknown) => unknown;
type ResolverMap = Record<string, Record<string, unknown>>;

/** The resolver map with each root field's `@auth` scope checked before its resolver runs. */
export function withAuth<R extends object>(resolvers: R): R {
  const out = { ...(resolvers as ResolverMap) };
  for (const type of Object.keys(ROOT_TYPES) as RootType[]) {
    const fields = { ...(out[type] ?? {}) };
    for (const [name, auth] of rootAuth) {
      const [owner, field] = name.split('.') as [string, string];
      if (owner !== type || auth.scope === null) continue;
      const resolve = fields[field] as Resolver | undefined;
      const scope = auth.scope;
      fields[field] = (parent: unknown, args: unknown, ctx: Context, info: unknown) => {
        requireScope(ctx, scope);
        return resolve ? resolve(parent, args, ctx, info) : (parent as Record<string, unknown> | undefined)?.[field];
      };
    }
    out[type] = fields;
  }
  return out as R;
}

/** The operation a request names in a parsed document, or undefined (none, or ambiguous). */
function namedOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.find((d) => d.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
}

/** The rate class of the operation a document runs (READ when it names none it holds). */
export function documentRateClass(document: DocumentNode | undefined, operationName?: string | null): RateClass {
  const operation = document && namedOperation(document, operationName);
  return operation ? operationRateClass(operation.operation, operation.selectionSet) : 'READ';
}

/** Status and Retry-After of a request refused by the limiter. */
function refusalHead(error: AppError): { status: number; headers: HeaderMap } {
  return { status: error.status, headers: new HeaderMap([['retry-after', retryAfterHeader(error) ?? '1']]) };
}

/**
 * Charges each operation of an HTTP request to its caller's bucket of the operation's rate class,
 * from the document Apollo parsed and resolved (or found in its document cache): the limiter never
 * parses a document itself. A hash-only (APQ) request is charged by the document its hash stands
 * for, once `persistedQueryStore` has put it back. A request refused before an operation was
 * resolved (syntax, validation, unknown hash, a mutation over GET) still spends a token of the
 * class its document names (READ when none), so malformed requests are limited too; over the
 * limit, its answer becomes the 429. Operations run in-process (`executeOperation`: the Hightouch
 * adapter, which charges its own calls) carry no `http` and are not charged here.
 */
export function rateClassPlugin(charge: (ctx: Context, rateClass: RateClass) => Promise<void>): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request, contextValue }) {
      if (!request.http) return;
      let charged = false;
      return {
        async didResolveOperation({ operation }) {
          charged = true;
          try {
            await charge(contextValue, operation ? operationRateClass(operation.operation, operation.selectionSet) : 'READ');
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            throw new GraphQLError(error.message, { extensions: { ...graphqlExtensions(error), http: refusalHead(error) } });
          }
        },
        async willSendResponse({ document, response }) {
          if (charged) return;
          charged = true;
          try {
            await charge(contextValue, documentRateClass(document, request.operationName));
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            response.body = {
              kind: 'single',
              singleResult: { errors: [{ message: error.message, extensions: graphqlExtensions(error) }] },
            };
            const head = refusalHead(error);
            response.http.status = head.status;
            for (const [name, value] of head.headers) response.http.headers.set(name, value);
          }
        },
      };
    },
  };
}
