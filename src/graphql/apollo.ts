import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { type DocumentNode, type GraphQLError, type GraphQLFormattedError, print } from 'graphql';
import type { Context } from '../context.ts';
import { type AppError, dataException, graphqlExtensions, invalidValue, knownFault, retryAfterHeader } from '../errors.ts';
import { LIMIT_CODES, type QueryLimits, queryLimitsPlugin } from './limits.ts';
import type { PersistedQueryStore } from './persisted-queries.ts';
import { resolvers } from './resolvers.ts';
import { typeDefs } from './schema.ts';

export interface ApolloOptions {
  introspection: boolean;
  plugins?: ApolloServerPlugin<Context>[];
  /** Depth, alias, cost, token and batch limits; absent = unlimited (internal use only). */
  limits?: QueryLimits;
  /** Where unexpected errors are reported (they reach the client only as "Internal server error"). */
  onUnexpectedError: (error: unknown) => void;
  /** Automatic persisted queries, stored per workspace; absent = APQ refused (`PERSISTED_QUERY_NOT_SUPPORTED`). */
  persistedQueries?: PersistedQueryStore;
}

const EXPOSED_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'BATCH_TOO_LARGE',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  ...LIMIT_CODES,
]);

/** A database outage is a 503 with Retry-After, so clients (Hightouch) retry the whole call. */
const databaseUnavailablePlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didEncounterErrors(requestContext) {
        const unavailable = requestContext.errors
          .map((e) => knownFault(unwrapResolverError(e)))
          .find((fault) => fault?.code === 'SERVICE_UNAVAILABLE');
        if (unavailable) {
          requestContext.response.http.status = unavailable.status;
          requestContext.response.http.headers.set('retry-after', retryAfterHeader(unavailable) ?? '');
        }
      },
    };
  },
};

/** A fault with a known answer, or a value the database refused (class 22: the input's fault). */
function faultOf(error: unknown): AppError | undefined {
  const invalid = dataException(error);
  return knownFault(error) ?? (invalid ? invalidValue(invalid) : undefined);
}

/** An operation document typed by the codegen client preset: its AST, with the result and variables it stands for. */
export interface TypedDocument<TResult, TVariables> extends DocumentNode {
  __apiType?: (variables: TVariables) => TResult;
}

// Documents are constants: each is printed once, and Apollo finds the text in its document cache.
const printed = new WeakMap<DocumentNode, string>();
function textOf(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

// The raw errors of an in-process operation, before Apollo formats them: the context (which
// Apollo copies shallowly per operation) carries the array they are collected in.
const RAW_ERRORS = Symbol('rawErrors');
type CollectingContext = Context & { [RAW_ERRORS]?: GraphQLError[] };

const rawErrorsPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart({ contextValue }) {
    const sink = (contextValue as CollectingContext)[RAW_ERRORS];
    if (!sink) return;
    return {
      async didEncounterErrors({ errors }) {
        sink.push(...errors);
      },
    };
  },
};

/**
 * Run a typed operation in-process with a caller's context, through the same Apollo pipeline as
 * HTTP requests (validation, `@auth`, limits, plugins): its data, or the AppError it failed with —
 * the very error a resolver threw, rendered by each transport at its edge. An error that is no
 * known fault (a bug) is rethrown as it is, for the caller's error handler to log.
 */
export async function executeOperation<TResult, TVariables extends Record<string, unknown>>(
  apollo: ApolloServer<Context>,
  ctx: Context,
  document: TypedDocument<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const errors: GraphQLError[] = [];
  const contextValue: CollectingContext = { ...ctx, [RAW_ERRORS]: errors };
  const response = await apollo.executeOperation<TResult & Record<string, unknown>, TVariables>(
    { query: textOf(document), variables },
    { contextValue },
  );
  if (response.body.kind !== 'single') throw new Error('Incremental delivery is not used by in-process operations');
  const [error] = errors;
  if (error) {
    const original = error.originalError ?? error;
    throw faultOf(original) ?? original;
  }
  const { data } = response.body.singleResult;
  if (!data) throw new Error('An in-process operation returned neither data nor errors');
  return data;
}

export function createApollo(options: ApolloOptions): ApolloServer<Context> {
  return new ApolloServer<Context>({
    typeDefs,
    resolvers: resolvers as never,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: (options.limits?.maxBatch ?? 0) > 0,
    persistedQueries: options.persistedQueries ? { cache: options.persistedQueries.apolloCache } : false,
    ...(options.limits ? { parseOptions: { maxTokens: options.limits.maxTokens } } : {}),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are used; the built-in cache-control plugin would still run per resolved field
      // (about 5% of the CPU of a 1,000-record ingestion call).
      ApolloServerPluginCacheControlDisabled(),
      databaseUnavailablePlugin,
      rawErrorsPlugin,
      ...(options.persistedQueries ? [options.persistedQueries.plugin] : []),
      ...(options.limits ? [queryLimitsPlugin(options.limits) as ApolloServerPlugin<Context>] : []),
      ...(options.plugins ?? []),
    ],
    formatError(formatted, error): GraphQLFormattedError {
      const code = formatted.extensions?.code as string | undefined;
      if (code && EXPOSED_CODES.has(code)) return formatted;
      const original = unwrapResolverError(error);
      const fault = faultOf(original);
      if (fault) return { message: fault.message, path: formatted.path, extensions: graphqlExtensions(fault) };
      options.onUnexpectedError(original);
      return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });
}
