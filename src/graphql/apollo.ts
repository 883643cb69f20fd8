import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError } from 'graphql';
import type { Context } from '../context.ts';
import { dataException, graphqlExtensions, invalidValue, knownFault, retryAfterHeader } from '../errors.ts';
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
      ...(options.persistedQueries ? [options.persistedQueries.plugin] : []),
      ...(options.limits ? [queryLimitsPlugin(options.limits) as ApolloServerPlugin<Context>] : []),
      ...(options.plugins ?? []),
    ],
    formatError(formatted, error): GraphQLFormattedError {
      const code = formatted.extensions?.code as string | undefined;
      if (code && EXPOSED_CODES.has(code)) return formatted;
      const original = unwrapResolverError(error);
      const invalid = dataException(original);
      const fault = knownFault(original) ?? (invalid ? invalidValue(invalid) : undefined);
      if (fault) return { message: fault.message, path: formatted.path, extensions: graphqlExtensions(fault) };
      options.onUnexpectedError(original);
      return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });
}
