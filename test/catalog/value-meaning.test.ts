import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, UPSERT_ACCOUNTS, UPSERT_USERS } from '../insights/dataset.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

// Fields whose name says nothing (`c_17`, `attr_3`, `field1`…) get a meaning from their most
// frequent values, read from the maintained statistics; a name that gives a meaning is never
// overridden by values; `semanticEvidence` says which decided.

let t: TestApp;

const ACCOUNTS = [
  ['acme', 'ap@acme.com', 'Europe/Berlin', 'DE', '+49 30 1234567', 'acme.com', 'https://acme.com', 'US', 'Germany'],
  ['globex', 'billing@globex.io', 'America/New_York', 'US', '(415) 555-0100', 'globex.io', 'https://www.globex.io/', 'DE', 'France'],
  ['initech', 'it@initech.example', 'Asia/Tokyo', 'JP', '+81-3-1234-5678', 'initech.co.uk', 'http://initech.example', 'GB', 'Japan'],
  ['hooli', 'ops@hooli.com', 'Europe/Berlin', 'GB', '+44 20 7946 0958', 'hooli.com', 'https://hooli.com/about', 'FR', 'United States'],
].map(([id, c17, attr3, field1, field2, field3, field4, plan, misc]) => ({
  id,
  name: `${id} Inc`,
  custom: {
    c_17: c17,
    attr_3: attr3,
    field1,
    field2,
    field3,
    field4,
    // The name gives the meaning, whatever the values look like.
    plan_code: plan,
    // Opaque, holding English country names.
    misc,
    // Opaque and nothing distinctive.
    x_9: `note ${id}`,
  },
}));

beforeAll(async () => {
  t = await createTestApp();
  await send(t, UPSERT_ACCOUNTS, ACCOUNTS, t.adminKey);
  await send(
    t,
    UPSERT_USERS,
    [
      { id: 'u1', email: 'u1@example.com', custom: { attr_9: 'https://cdn.example.com/a.png', tzid: 'Europe/Paris' } },
      { id: 'u2', email: 'u2@example.com', custom: { attr_9: 'https://cdn.example.com/b.png', tzid: 'America/Chicago' } },
    ],
    t.adminKey,
  );
});
afterAll(async () => {
  await t?.close();
});

const DIMENSIONS = `query($object: ObjectKind!) { dimensions(object: $object) { key semantic inferredSemantic semanticEvidence } }`;

async function meanings(object: 'ACCOUNT' | 'USER'): Promise<Record<string, [string | null, string | null]>> {
  const res = await t.gql<{ dimensions: Array<{ key: string; semantic: string | null; semanticEvidence: string | null }> }>(DIMENSIONS, {
    object,
  });
  expect(res.errors).toBeUndefined();
  return Object.fromEntries((res.data?.dimensions ?? []).map((d) => [d.key, [d.semantic, d.semanticEvidence]]));
}

describe('meaning from values, where the name says nothing', () => {
  it('reads e-mails, time zones, country codes and names, phone numbers, domains and web addresses', async () => {
    const found = await meanings('ACCOUNT');
    expect(found).toMatchObject({
      c_17: ['EMAIL', 'VALUES'],
      attr_3: ['TIMEZONE', 'VALUES'],
      field1: ['COUNTRY', 'VALUES'],
      field2: ['PHONE', 'VALUES'],
      field3: ['DOMAIN', 'VALUES'],
      field4: ['WEBSITE', 'VALUES'],
      misc: ['COUNTRY', 'VALUES'],
      x_9: [null, null],
      // Named fields: the name decides, values never override it.
      plan_code: ['PLAN', 'NAME'],
      name: ['COMPANY_NAME', 'NAME'],
    });
  });

  it('does not take a web address on a user for a website, and reads the user time zones', async () => {
    const found = await meanings('USER');
    expect(found.attr_9).toEqual([null, null]);
    expect(found.tzid).toEqual(['TIMEZONE', 'VALUES']);
  });

  it('says CORRECTION once the workspace corrects a meaning, and VALUES again after a reset', async () => {
    const set = await t.gql(
      'mutation { setDimensionSemantic(input: { object: ACCOUNT, key: "field2", semantic: OWNER }) { dimension { semantic inferredSemantic semanticEvidence } } }',
    );
    expect(set.data?.setDimensionSemantic.dimension).toEqual({
      semantic: 'OWNER',
      inferredSemantic: 'PHONE',
      semanticEvidence: 'CORRECTION',
    });
    const reset = await t.gql(
      'mutation { setDimensionSemantic(input: { object: ACCOUNT, key: "field2", reset: true }) { dimension { semantic semanticEvidence } } }',
    );
    expect(reset.data?.setDimensionSemantic.dimension).toEqual({ semantic: 'PHONE', semanticEvidence: 'VALUES' });
  });

  it('follows the values as they change: a field no longer distinctive loses the meaning', async () => {
    await send(
      t,
      UPSERT_ACCOUNTS,
      ACCOUNTS.map((a) => ({ ...a, custom: { ...a.custom, attr_3: a.id === 'acme' ? 'Europe/Berlin' : `free text ${a.id}` } })),
      t.adminKey,
    );
    expect((await meanings('ACCOUNT')).attr_3).toEqual([null, null]);
  });
});
