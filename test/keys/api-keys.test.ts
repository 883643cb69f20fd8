import { describe, expect, it } from 'vitest';
import { suiteApp } from '../support/harness.ts';

const VIEWER = '{ viewer { workspace { id name } apiKey { id prefix scopes status } scopes } }';
const CREATE = `mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { id name prefix scopes status integration } userErrors { field message code } }
}`;

const t = suiteApp();

describe('API keys', () => {
  it('identifies the caller with viewer', async () => {
    const res = await t.gql(VIEWER);
    expect(res.status).toBe(200);
    expect(res.data?.viewer.workspace).toEqual({ id: t.workspaceId, name: 'A' });
    expect(res.data?.viewer.scopes).toEqual(['INGEST', 'READ', 'ADMIN']);
    expect(t.adminKey.startsWith(res.data?.viewer.apiKey.prefix)).toBe(true);
  });

  it('refuses missing, malformed and unknown keys with 401 UNAUTHENTICATED', async () => {
    for (const key of [null, 'nonsense', `cor_${'A'.repeat(43)}`]) {
      const res = await t.gql(VIEWER, {}, key);
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.data ?? null).toBeNull();
    }
  });

  it('creates a key whose secret works, is well-formed and is never readable again', async () => {
    const created = await t.gql(CREATE, { input: { name: 'Reporting', scopes: ['READ'] } });
    const { secret, apiKey } = created.data?.createApiKey;
    expect(secret).toMatch(/^cor_[0-9A-Za-z]{43}$/);
    expect(apiKey).toMatchObject({ name: 'Reporting', scopes: ['READ'], status: 'ACTIVE', integration: null });
    expect(secret.startsWith(apiKey.prefix)).toBe(true);

    const viewer = await t.gql(VIEWER, {}, secret);
    expect(viewer.data?.viewer.apiKey.id).toBe(apiKey.id);

    const list = await t.gql('{ apiKeys { id name prefix } }');
    expect(JSON.stringify(list.data)).not.toContain(secret);
    expect(list.data?.apiKeys.map((k: { id: string }) => k.id)).toContain(apiKey.id);
  });

  it('returns validation problems as userErrors', async () => {
    const res = await t.gql(CREATE, { input: { name: '  ', scopes: [], expiresAt: '2001-01-01T00:00:00Z' } });
    expect(res.data?.createApiKey.secret).toBeNull();
    expect(res.data?.createApiKey.userErrors.map((e: { field: string[] }) => e.field.join('.'))).toEqual([
      'input.name',
      'input.scopes',
      'input.expiresAt',
    ]);
  });

  it('rotates (old secret dead, new one works) and revokes (refused on the next request)', async () => {
    const created = await t.gql(CREATE, { input: { name: 'Rotating', scopes: ['INGEST'] } });
    const { secret: first, apiKey } = created.data?.createApiKey;
    expect((await t.gql(VIEWER, {}, first)).status).toBe(200);

    const rotated = await t.gql(
      'mutation($id: ID!) { rotateApiKey(input: { id: $id }) { secret apiKey { id prefix } userErrors { code } } }',
      {
        id: apiKey.id,
      },
    );
    const second = rotated.data?.rotateApiKey.secret;
    expect(second).toMatch(/^cor_/);
    expect(second).not.toBe(first);
    expect((await t.gql(VIEWER, {}, first)).status).toBe(401);
    expect((await t.gql(VIEWER, {}, second)).status).toBe(200);

    const revoked = await t.gql(
      'mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { status revokedAt } userErrors { code } } }',
      {
        id: apiKey.id,
      },
    );
    expect(revoked.data?.revokeApiKey.apiKey.status).toBe('REVOKED');
    expect((await t.gql(VIEWER, {}, second)).status).toBe(401);

    const again = await t.gql('mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id } userErrors { code } } }', {
      id: apiKey.id,
    });
    expect(again.data?.revokeApiKey.userErrors).toEqual([{ code: 'ALREADY_DONE' }]);

    const listed = await t.gql('{ apiKeys { id } all: apiKeys(includeRevoked: true) { id status } }');
    expect(listed.data?.apiKeys.map((k: { id: string }) => k.id)).not.toContain(apiKey.id);
    expect(listed.data?.all).toContainEqual({ id: apiKey.id, status: 'REVOKED' });
  });

  it('refuses expired keys', async () => {
    const created = await t.gql(CREATE, {
      input: { name: 'Short-lived', scopes: ['READ'], expiresAt: new Date(Date.now() + 1500).toISOString() },
    });
    const secret = created.data?.createApiKey.secret;
    expect((await t.gql(VIEWER, {}, secret)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await t.gql(VIEWER, {}, secret)).status).toBe(401);
  });

  it('enforces scopes: an ingest key cannot list or create keys', async () => {
    const ingest = await t.keyWithScopes(['INGEST']);
    const list = await t.gql('{ apiKeys { id } }', {}, ingest);
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const create = await t.gql(CREATE, { input: { name: 'x', scopes: ['ADMIN'] } }, ingest);
    expect(create.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viewer = await t.gql(VIEWER, {}, ingest);
    expect(viewer.data?.viewer.scopes).toEqual(['INGEST']);
  });

  it("isolates workspaces: B cannot see, rotate or revoke A's keys", async () => {
    const b = await t.newWorkspace('B');
    const aKeys = (await t.gql('{ apiKeys { id } }')).data?.apiKeys as Array<{ id: string }>;
    const bKeys = (await t.gql('{ apiKeys { id } }', {}, b.adminKey)).data?.apiKeys as Array<{ id: string }>;
    expect(bKeys).toHaveLength(1);
    expect(aKeys.map((k) => k.id)).not.toContain(bKeys[0]!.id);
    const victim = aKeys[0]!.id;
    const rotate = await t.gql(
      'mutation($id: ID!) { rotateApiKey(input: { id: $id }) { secret userErrors { code } } }',
      { id: victim },
      b.adminKey,
    );
    expect(rotate.data?.rotateApiKey).toEqual({ secret: null, userErrors: [{ code: 'NOT_FOUND' }] });
    const revoke = await t.gql(
      'mutation($id: ID!) { revokeApiKey(input: { id: $id }) { userErrors { code } } }',
      { id: victim },
      b.adminKey,
    );
    expect(revoke.data?.revokeApiKey.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
    expect((await t.gql(VIEWER)).status).toBe(200);
  });

  it('connects Hightouch: an INGEST key labelled HIGHTOUCH plus the URLs to paste', async () => {
    const res = await t.gql(
      `mutation { connectHightouch { secret restBaseUrl rpcUrl apiKey { id scopes integration } userErrors { code } } }`,
    );
    const payload = res.data?.connectHightouch;
    expect(payload.apiKey).toMatchObject({ scopes: ['INGEST'], integration: 'HIGHTOUCH' });
    expect(payload.restBaseUrl).toBe('http://api.test/hightouch/v1');
    expect(payload.rpcUrl).toBe('http://api.test/hightouch/v1/rpc');
    const cards = await t.gql('{ integrations { kind name connected keys { id prefix lastUsedAt } lastDataReceivedAt } }');
    expect(cards.data?.integrations[0]).toMatchObject({ kind: 'HIGHTOUCH', connected: true });
    expect(cards.data?.integrations[0].keys.map((k: { id: string }) => k.id)).toContain(payload.apiKey.id);
    await t.gql(VIEWER, {}, payload.secret);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await t.gql('{ integrations { keys { id lastUsedAt } } }');
    const used = after.data?.integrations[0].keys.find((k: { id: string }) => k.id === payload.apiKey.id);
    expect(used.lastUsedAt).not.toBeNull();
  });

  it('never writes a secret or the authorization header to the logs', async () => {
    const created = await t.gql(CREATE, { input: { name: 'Logged?', scopes: ['READ'] } });
    const secret = created.data?.createApiKey.secret as string;
    await t.gql(VIEWER, {}, secret);
    await t.gql(VIEWER, {}, `${secret.slice(0, -1)}x`);
    const all = t.logs.join('');
    expect(t.logs.length).toBeGreaterThan(0);
    expect(all).not.toContain(secret);
    expect(all).not.toContain(t.adminKey);
    expect(all).not.toContain(secret.slice(10));
  });
});
