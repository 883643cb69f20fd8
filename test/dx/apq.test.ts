import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { suiteApp } from '../support/harness.ts';

// Automatic persisted queries (Apollo's protocol; documents held in memory per instance and per
// workspace): a client sends only the hash, registers the document once when the server does not
// know it, then reuses it.
const QUERY = 'query PersistedViewer { viewer { workspace { name } } }';
const HASH = createHash('sha256').update(QUERY).digest('hex');
const persisted = { persistedQuery: { version: 1, sha256Hash: HASH } };

const t = suiteApp();

async function post(body: Record<string, unknown>, key = t.adminKey) {
  const response = await t.server.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    payload: JSON.stringify(body),
  });
  return { status: response.statusCode, body: response.json() as { data?: any; errors?: Array<{ extensions?: { code?: string } }> } };
}

describe('automatic persisted queries', () => {
  it('asks for the document, registers it, then runs it from the hash alone', async () => {
    const unknown = await post({ extensions: persisted });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(unknown.body.data).toBeUndefined();

    const registered = await post({ query: QUERY, extensions: persisted });
    expect(registered.status).toBe(200);
    expect(registered.body.data?.viewer.workspace.name).toBe('A');

    const reused = await post({ extensions: persisted });
    expect(reused.status).toBe(200);
    expect(reused.body.errors).toBeUndefined();
    expect(reused.body.data?.viewer.workspace.name).toBe('A');
  });

  it('works over GET (cacheable by CDNs) once registered', async () => {
    const params = new URLSearchParams({ extensions: JSON.stringify(persisted) });
    const response = await t.server.app.inject({
      method: 'GET',
      url: `/graphql?${params}`,
      // Apollo's CSRF prevention wants a header a plain HTML form could not send.
      headers: { authorization: `Bearer ${t.adminKey}`, 'apollo-require-preflight': 'true' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().data.viewer.workspace.name).toBe('A');
  });

  it('refuses a document that does not match its hash', async () => {
    const wrong = await post({ query: '{ viewer { scopes } }', extensions: persisted });
    expect(wrong.status).toBe(400);
    expect(wrong.body.data).toBeUndefined();
  });

  it("keeps each workspace's documents to itself: B cannot tell whether A sent a document", async () => {
    const secretQuery = 'query AcmeOnly { accounts(filter: [{ key: "name", eq: "acme-secret" }]) { totalCount } }';
    const secret = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(secretQuery).digest('hex') } };
    expect((await post({ query: secretQuery, extensions: secret })).status).toBe(200);
    expect((await post({ extensions: secret })).body.errors).toBeUndefined();

    const b = await t.newWorkspace('B');
    const probe = await post({ extensions: secret }, b.adminKey);
    expect(probe.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(probe.body.data).toBeUndefined();
    // B registers the same document for itself and gets its own data.
    const own = await post({ query: QUERY, extensions: persisted }, b.adminKey);
    expect(own.body.data?.viewer.workspace.name).toBe('B');
    expect((await post({ extensions: persisted }, b.adminKey)).body.data?.viewer.workspace.name).toBe('B');
    expect((await post({ extensions: persisted })).body.data?.viewer.workspace.name).toBe('A');
  });
});
