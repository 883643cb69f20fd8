import { describe, expect, it, vi } from 'vitest';
import { suiteApp } from '../support/harness.ts';

// Apollo parses each GraphQL document once (and keeps it in its document cache); the rate limiter
// charges the operation Apollo resolved. Our own modules calling graphql's `parse` while a request
// is served would be a second parse of the same document. (Apollo's own import of graphql is not
// replaced by this mock: only the application's modules see the counting `parse`.)
const parse = vi.hoisted(() => ({ calls: 0 }));
vi.mock('graphql', async (importOriginal) => {
  const original = await importOriginal<typeof import('graphql')>();
  return {
    ...original,
    parse: (...args: Parameters<typeof original.parse>) => {
      parse.calls++;
      return original.parse(...args);
    },
  };
});

describe('rate limiting without a second parse', () => {
  const t = suiteApp({
    RATE_LIMIT_READ_PER_SECOND: '0.001',
    RATE_LIMIT_READ_BURST: '2',
    RATE_LIMIT_INGEST_PER_SECOND: '0.001',
    RATE_LIMIT_INGEST_BURST: '1',
  });

  it('charges each operation by its class while the application parses no document', async () => {
    const key = (await t.newWorkspace('parse')).adminKey;
    parse.calls = 0;
    const track = 'mutation Track { trackEvents(input: { records: [] }) { received } }';
    expect((await t.gql('{ viewer { scopes } }', {}, key)).status).toBe(200);
    expect((await t.gql(track, {}, key)).status).toBe(200);
    expect((await t.gql('query Again { viewer { scopes } }', {}, key)).status).toBe(200);
    const refused = await t.gql(track, {}, key);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'INGEST' });
    expect((await t.gql('{ viewer { workspace { id } } }', {}, key)).status).toBe(429);
    expect(parse.calls).toBe(0);
  });
});
