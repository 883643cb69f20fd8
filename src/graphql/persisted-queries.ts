import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, PersistedQueryOptions } from '@apollo/server';
import type { Context } from '../context.ts';

/**
 * Automatic persisted queries (APQ), one store per workspace. Apollo's own APQ cache is keyed by
 * the hash alone and shared by every caller, so workspace B could learn whether anyone sent a
 * guessed document (send its hash: found or not). Here documents are stored under (workspace,
 * hash); the plugin puts the document of a hash-only request back in the request before Apollo
 * reads it (Apollo then checks the hash and runs it as usual), so the rate limiter
 * (`rateClassPlugin`) charges it by the operation its hash stands for.
 * Apollo's protocol stays as it is (`PERSISTED_QUERY_NOT_FOUND`, register by sending both, GET).
 *
 * In memory, per process, bounded: the least recently used documents go first (clients register
 * them again transparently).
 */
export interface PersistedQueryStore {
  /** The document a workspace registered under this hash, if still held. */
  lookup(workspaceId: string, hash: string): string | undefined;
  /** The Apollo plugin that resolves and registers documents per workspace. */
  plugin: ApolloServerPlugin<Context>;
  /** Handed to Apollo as its APQ cache, so Apollo keeps no shared copy of its own. */
  apolloCache: ApolloCache;
}

export interface PersistedQueryLimits {
  /** Total characters of documents held, all workspaces together. */
  maxChars: number;
}

type ApolloCache = NonNullable<PersistedQueryOptions['cache']>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Apollo's cache is never read from or written to: storage happens in the plugin, per workspace. */
const NO_CACHE: ApolloCache = {
  get: async () => undefined,
  set: async () => {},
  delete: async () => false,
};

export function persistedQueryStore(limits: PersistedQueryLimits = { maxChars: 32 * 1024 * 1024 }): PersistedQueryStore {
  const documents = new Map<string, string>();
  let chars = 0;
  const slot = (workspaceId: string, hash: string) => `${workspaceId}\u0000${hash}`;

  const lookup = (workspaceId: string, hash: string): string | undefined => {
    const key = slot(workspaceId, hash);
    const found = documents.get(key);
    if (found === undefined) return undefined;
    documents.delete(key);
    documents.set(key, found);
    return found;
  };
  const register = (workspaceId: string, hash: string, document: string): void => {
    if (document.length > limits.maxChars || sha256(document) !== hash) return;
    const key = slot(workspaceId, hash);
    const before = documents.get(key);
    if (before !== undefined) {
      documents.delete(key);
      chars -= before.length;
    }
    documents.set(key, document);
    chars += document.length;
    for (const [oldest, text] of documents) {
      if (chars <= limits.maxChars) break;
      documents.delete(oldest);
      chars -= text.length;
    }
  };

  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart({ request, contextValue }) {
      const hash = (request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
      if (typeof hash !== 'string' || !contextValue.workspaceId) return;
      const workspaceId = contextValue.workspaceId;
      if (request.query === undefined) {
        request.query = lookup(workspaceId, hash);
        return;
      }
      // Registered once it has parsed and validated, as Apollo does.
      return {
        async didResolveOperation({ source }) {
          register(workspaceId, hash, source);
        },
      };
    },
  };
  return { lookup, plugin, apolloCache: NO_CACHE };
}
