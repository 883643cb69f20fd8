import type { Resolvers } from '../__generated__/types.ts';
import type { IntegrationModel } from './models.ts';
import * as queries from './queries.ts';
import * as keys from './service.ts';

const HIGHTOUCH: Omit<IntegrationModel, 'keys'> = {
  kind: 'HIGHTOUCH',
  name: 'Hightouch',
  description: 'Sync accounts, users and events from your data warehouse with Hightouch reverse ETL.',
};

export const keysResolvers: Resolvers = {
  Query: {
    viewer: (_parent, _args, ctx) => ctx.principal,
    apiKeys: async (_parent, { includeRevoked }, ctx) => {
      const all = await queries.listKeys(ctx.db, ctx.workspaceId);
      return includeRevoked ? all : all.filter((key) => keys.keyStatus(key) === 'ACTIVE');
    },
    integrations: async (_parent, _args, ctx) => {
      const all = await queries.listKeys(ctx.db, ctx.workspaceId);
      const labelled = all.filter((key) => key.integration === 'HIGHTOUCH');
      const active = (k: (typeof labelled)[number]) => keys.keyStatus(k) === 'ACTIVE';
      return [{ ...HIGHTOUCH, keys: [...labelled.filter(active), ...labelled.filter((k) => !active(k))] }];
    },
  },
  Mutation: {
    createApiKey: async (_parent, { input }, ctx) => {
      const userErrors = keys.validateKeyInput(input);
      if (userErrors.length > 0) return { apiKey: null, secret: null, userErrors };
      const { key, secret } = await keys.createKey(ctx.db, ctx.workspaceId, input);
      return { apiKey: key, secret, userErrors: [] };
    },
    rotateApiKey: async (_parent, { input: { id } }, ctx) => {
      const result = await keys.rotateKey(ctx.db, ctx.workspaceId, id);
      if ('code' in result) return { apiKey: null, secret: null, userErrors: [result] };
      return { apiKey: result.key, secret: result.secret, userErrors: [] };
    },
    revokeApiKey: async (_parent, { input: { id } }, ctx) => {
      const result = await keys.revokeKey(ctx.db, ctx.workspaceId, id);
      if ('code' in result) return { apiKey: null, userErrors: [result] };
      return { apiKey: result, userErrors: [] };
    },
    connectHightouch: async (_parent, { input }, ctx) => {
      const request = { name: input?.name ?? 'Hightouch', scopes: ['INGEST'] as const, integration: 'HIGHTOUCH' as const };
      const userErrors = keys.validateKeyInput(request);
      if (userErrors.length > 0) return { apiKey: null, secret: null, restBaseUrl: null, rpcUrl: null, rpcUrlWithKey: null, userErrors };
      const { key, secret } = await keys.createKey(ctx.db, ctx.workspaceId, request);
      const restBaseUrl = `${ctx.config.publicUrl}/hightouch/v1`;
      return {
        apiKey: key,
        secret,
        restBaseUrl,
        rpcUrl: `${restBaseUrl}/rpc`,
        rpcUrlWithKey: `${restBaseUrl}/rpc/${secret}`,
        userErrors: [],
      };
    },
  },
  Viewer: {
    workspace: (viewer) => viewer.workspace,
    apiKey: (viewer) => viewer.key,
    scopes: (viewer) => viewer.scopes,
  },
  ApiKey: {
    status: (key) => keys.keyStatus(key),
    integration: (key) => (key.integration === 'HIGHTOUCH' ? 'HIGHTOUCH' : null),
    scopes: (key) => key.scopes.filter((s): s is 'INGEST' | 'READ' | 'ADMIN' => ['INGEST', 'READ', 'ADMIN'].includes(s)),
  },
  Integration: {
    connected: (integration) => integration.keys.some((key) => keys.keyStatus(key) === 'ACTIVE'),
    lastDataReceivedAt: (integration) => {
      const times = integration.keys.map((key) => key.lastIngestAt?.getTime() ?? 0).filter((t) => t > 0);
      return times.length > 0 ? new Date(Math.max(...times)) : null;
    },
  },
};
