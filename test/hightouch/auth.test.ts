import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, suiteApp, type TestApp } from '../support/harness.ts';
import { storedAccounts } from './client.ts';

// The three ways a Hightouch set-up can present its key to the JSON-RPC endpoint — the
// Authorization header, the URL returned by connectHightouch (`…/rpc/<key>`), the api_key option
// of the destination's form (read from each call's configuration) — and the same rules on each:
// scopes, revocation, rate limits. A key in the URL never reaches a log line, a metric or an error.

const configuration = {
  identifierMapping: { from: 'ACCT_ID', to: 'account_id' },
  mappings: [
    { from: 'COMPANY', to: 'company_name' },
    { from: 'TIER', to: 'tier_code' },
  ],
};

type Path = 'header' | 'url' | 'option';
const PATHS: Path[] = ['header', 'url', 'option'];

/** One JSON-RPC body sent with the key presented one way; calls whose params have a configuration carry the option. */
async function send(t: TestApp, path: Path, key: string, body: unknown) {
  const withOption = (request: any) =>
    path === 'option' && request.params?.configuration
      ? { ...request, params: { ...request.params, configuration: { ...request.params.configuration, api_key: key } } }
      : request;
  const payload = Array.isArray(body) ? body.map(withOption) : withOption(body);
  const response = await t.server.app.inject({
    method: 'POST',
    url: path === 'url' ? `/hightouch/v1/rpc/${key}` : '/hightouch/v1/rpc',
    headers: { 'content-type': 'application/json', ...(path === 'header' ? { authorization: `Bearer ${key}` } : {}) },
    payload: JSON.stringify(payload),
  });
  return { status: response.statusCode, headers: response.headers, body: response.json(), raw: response.body };
}

let id = 1;
const rpc = (method: string, params: Record<string, unknown>) => ({ jsonrpc: '2.0', id: id++, method, params });
const add = (accountId: string) =>
  rpc('add', { idColumn: 'ACCT_ID', configuration, rows: [{ ACCT_ID: accountId, COMPANY: 'Co', TIER: 'gold' }] });

describe('three ways in, one set of key rules', () => {
  let t: TestApp;
  let connected: { secret: string; rpcUrl: string; rpcUrlWithKey: string };
  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'debug' });
    const res = await t.gql('mutation { connectHightouch { secret rpcUrl rpcUrlWithKey userErrors { message } } }');
    connected = res.data!.connectHightouch;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('connectHightouch returns the RPC URL with the key in its path', () => {
    expect(connected.rpcUrl).toBe('http://api.test/hightouch/v1/rpc');
    expect(connected.rpcUrlWithKey).toBe(`http://api.test/hightouch/v1/rpc/${connected.secret}`);
  });

  it('writes through each path, to the key’s workspace', async () => {
    for (const path of PATHS) {
      const res = await send(t, path, connected.secret, add(`via-${path}`));
      expect(res.status, path).toBe(200);
      expect(res.body.result, path).toEqual({ rejectedRows: [] });
    }
    expect(Object.keys(await storedAccounts(t, t.workspaceId))).toEqual(['via-header', 'via-option', 'via-url']);
  });

  it('answers list_objects, list_modes and list_options without a key; list_fields then lists the default fields only', async () => {
    const body = [
      rpc('list_objects', {}),
      rpc('list_modes', { object: 'account' }),
      rpc('list_options', { object: 'account' }),
      rpc('list_fields', { object: 'account', mode: 'upsert' }),
    ];
    const anonymous = await t.server.app.inject({
      method: 'POST',
      url: '/hightouch/v1/rpc',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    const answers = anonymous.json() as Array<{ result?: any; error?: unknown }>;
    expect(answers.map((a) => a.error)).toEqual([undefined, undefined, undefined, undefined]);
    const anonymousFields = answers[3]!.result.fields.map((f: { id: string }) => f.id);
    expect(anonymousFields).toContain('company_name');
    expect(anonymousFields).not.toContain('tier_code');
    // With a key, whichever way it comes, the workspace's custom fields are listed too.
    for (const path of ['header', 'url'] as const) {
      const keyed = await send(t, path, connected.secret, rpc('list_fields', { object: 'account', mode: 'upsert' }));
      expect(
        keyed.body.result.fields.map((f: { id: string }) => f.id),
        path,
      ).toContain('tier_code');
    }
    // Sync methods need a key.
    const write = await t.server.app.inject({
      method: 'POST',
      url: '/hightouch/v1/rpc',
      headers: { 'content-type': 'application/json' },
      payload: add('anonymous'),
    });
    expect(write.json().error).toMatchObject({ code: -32001, data: { code: 'UNAUTHENTICATED', retryable: false } });
  });

  it('validate tells a missing, a wrong and a READ-only key apart from a good one', async () => {
    const validate = (key: string | undefined, path: Path) =>
      key === undefined
        ? t.server.app
            .inject({
              method: 'POST',
              url: '/hightouch/v1/rpc',
              headers: { 'content-type': 'application/json' },
              payload: rpc('validate', { configuration }),
            })
            .then((r) => r.json())
        : send(t, path, key, rpc('validate', { configuration })).then((r) => r.body);
    expect((await validate(undefined, 'option')).result.errors).toEqual([expect.stringContaining('No API key')]);
    expect((await validate('cor_not-a-key', 'option')).result.errors).toEqual([expect.stringContaining('invalid, revoked or expired')]);
    const readOnly = await t.keyWithScopes(['READ']);
    for (const path of PATHS) {
      expect((await validate(readOnly, path)).result.errors, path).toEqual([expect.stringContaining('lacks the INGEST scope')]);
      expect((await validate(connected.secret, path)).result.errors, path).toEqual([]);
    }
  });

  it('refuses a READ-only key (-32003) and a revoked key (-32001) on every path, writing nothing', async () => {
    const readOnly = await t.keyWithScopes(['READ']);
    const revoked = await t.gql('mutation { connectHightouch(input: { name: "to revoke" }) { secret apiKey { id } } }');
    const { secret, apiKey } = revoked.data!.connectHightouch;
    expect((await send(t, 'url', secret, add('before-revoke'))).body.result).toEqual({ rejectedRows: [] });
    await t.gql('mutation($id: ID!) { revokeApiKey(input: { id: $id }) { userErrors { message } } }', { id: apiKey.id });
    for (const path of PATHS) {
      const forbidden = await send(t, path, readOnly, add(`ro-${path}`));
      expect(forbidden.body.error, path).toMatchObject({ code: -32003, data: { code: 'FORBIDDEN', retryable: false } });
      const gone = await send(t, path, secret, add(`revoked-${path}`));
      expect(gone.body.error, path).toMatchObject({ code: -32001, data: { code: 'UNAUTHENTICATED', retryable: false } });
      // Even the methods that answer without a key refuse a wrong one.
      expect((await send(t, path, secret, rpc('list_objects', { configuration }))).body.error?.code, path).toBe(-32001);
    }
    const stored = Object.keys(await storedAccounts(t, t.workspaceId));
    expect(stored.filter((id) => id.startsWith('ro-') || id.startsWith('revoked-'))).toEqual([]);
  });

  it('never writes a key from the URL into a log line, a metric or an error message', async () => {
    const key = connected.secret;
    await send(t, 'url', key, add('logged'));
    await send(t, 'url', `${key.slice(0, -1)}X`, add('wrong-key'));
    await t.server.app.inject({ method: 'GET', url: `/hightouch/v1/rpc/${key}` });
    const notFound = await t.server.app.inject({
      method: 'POST',
      url: `/hightouch/v1/objects/${key}/upsert`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.body).not.toContain(key.slice(4));
    await t.server.app.inject({ method: 'POST', url: `/hightouch/v1/nothing/${key}`, payload: {} });
    const metrics = await t.server.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('/hightouch/v1/rpc/:key');

    const secretPart = key.slice(4);
    const logs = t.logs.join('');
    expect(logs).toContain('"path":"/hightouch/v1/rpc/:key"');
    expect(logs).not.toContain(secretPart);
    expect(logs).not.toContain(secretPart.slice(0, -1));
    expect(metrics.body).not.toContain(secretPart);
  });

  it('logs the method and the shape of each call at debug level: keys, never values', async () => {
    const before = t.logs.length;
    await send(t, 'option', connected.secret, add('shape-only'));
    const lines = t.logs
      .slice(before)
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === 'hightouch rpc call');
    expect(lines).toHaveLength(1);
    expect(lines[0].rpc).toEqual({
      method: 'add',
      params: {
        idColumn: 'string',
        configuration: {
          identifierMapping: { from: 'string', to: 'string' },
          mappings: { array: 2, item: { from: 'string', to: 'string' } },
          api_key: 'string',
        },
        rows: { array: 1, item: { ACCT_ID: 'string', COMPANY: 'string', TIER: 'string' } },
      },
    });
    const text = t.logs.slice(before).join('');
    expect(text).not.toContain('shape-only');
    expect(text).not.toContain(connected.secret.slice(4));
  });
});

describe('rate limits: one token per call, whichever way the key comes', () => {
  const t = suiteApp({ RATE_LIMIT_INGEST_PER_SECOND: '0.01', RATE_LIMIT_INGEST_BURST: '3' });

  it('a batch of 3 calls spends the burst; the next call is refused, retryable, with Retry-After', async () => {
    for (const path of PATHS) {
      const key = await t.keyWithScopes(['INGEST']);
      const three = await send(t, path, key, [add(`${path}-1`), add(`${path}-2`), rpc('list_modes', { object: 'user', configuration })]);
      expect(
        three.body.map((r: { error?: unknown }) => r.error),
        path,
      ).toEqual([undefined, undefined, undefined]);
      const fourth = await send(t, path, key, add(`${path}-4`));
      expect(fourth.status, path).toBe(200);
      expect(fourth.headers['retry-after'], path).toBeDefined();
      expect(fourth.body.error, path).toMatchObject({
        code: -32029,
        data: { code: 'RATE_LIMITED', retryable: true, retryAfterSeconds: expect.any(Number) },
      });
    }
    expect(Object.keys(await storedAccounts(t, t.workspaceId)).sort()).toEqual([
      'header-1',
      'header-2',
      'option-1',
      'option-2',
      'url-1',
      'url-2',
    ]);
  });

  it('a batch with more calls than tokens left is refused whole: nothing runs', async () => {
    const key = await t.keyWithScopes(['INGEST']);
    expect((await send(t, 'header', key, add('w-0'))).body.result).toEqual({ rejectedRows: [] });
    const three = await send(t, 'header', key, [add('w-1'), add('w-2'), add('w-3')]);
    expect(three.body).toHaveLength(3);
    for (const answer of three.body) expect(answer.error).toMatchObject({ code: -32029 });
    expect(Object.keys(await storedAccounts(t, t.workspaceId)).filter((id) => id.startsWith('w-'))).toEqual(['w-0']);
  });
});
