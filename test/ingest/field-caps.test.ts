import { describe, expect, it } from 'vitest';
import { suiteApp } from '../support/harness.ts';
import { query, sql } from '../support/sql.ts';
import { TRACK, UPSERT_ACCOUNTS } from './fragments.ts';

// New custom fields are bounded per call and per workspace: past a bound the record that would
// add them is refused with its own code, and every other record of the call is stored.

const t = suiteApp({ MAX_NEW_FIELDS_PER_CALL: '5', MAX_CUSTOM_FIELDS_PER_WORKSPACE: '8' });

const customFields = async (workspaceId = t.workspaceId) =>
  (
    await query<{ key: string }>(t, sql`select key from catalog_fields where workspace_id = ${workspaceId} and not is_default order by key`)
  ).map((r) => r.key);

describe('caps on new custom fields', () => {
  it('refuses the record that would add more new fields than a call may, and stores the rest', async () => {
    const res = await t.gql(UPSERT_ACCOUNTS, {
      records: [
        { id: 'a', name: 'A', custom: { f1: 1, f2: 2, f3: 3 } },
        { id: 'b', name: 'B', custom: { f4: 4, f5: 5, f6: 6 } }, // 3 + 3 > 5
        { id: 'c', name: 'C', seats: 3, custom: { f1: 10, f3: 30 } }, // nothing new
        { id: 'd', name: 'D', custom: { f1: 1, f7: 7, f8: 8 } }, // 3 + 2 = 5
        { id: 'e', name: 'E', custom: { f9: 9 } }, // 6 > 5
      ],
    });
    const payload = res.data?.upsertAccounts;
    expect(payload).toMatchObject({ created: 3, rejected: 2 });
    expect(payload.results.map((r: any) => [r.id, r.status, r.errors.map((e: any) => [e.field, e.code])])).toEqual([
      ['a', 'CREATED', []],
      ['b', 'REJECTED', [['custom.f4', 'TOO_MANY_NEW_FIELDS']]],
      ['c', 'CREATED', []],
      ['d', 'CREATED', []],
      ['e', 'REJECTED', [['custom.f9', 'TOO_MANY_NEW_FIELDS']]],
    ]);
    expect(payload.results[1].errors[0].message).toMatch(/at most 5\b.*send it again in a later call/i);
    expect(await customFields()).toEqual(['f1', 'f2', 'f3', 'f7', 'f8']);
    const stored = await query<{ id: string }>(t, sql`select id from accounts where workspace_id = ${t.workspaceId} order by id`);
    expect(stored.map((r) => r.id)).toEqual(['a', 'c', 'd']);

    // The refused record goes through in a later call.
    const again = await t.gql(UPSERT_ACCOUNTS, { records: [{ id: 'e', name: 'E', custom: { f9: 9 } }] });
    expect(again.data?.upsertAccounts.results[0].status).toBe('CREATED');
  });

  it('refuses records that would take the workspace past its limit; known fields keep working', async () => {
    // 6 custom fields so far (f1–f3, f7–f9); the limit is 8, all objects together.
    const res = await t.gql(TRACK, {
      records: [
        { name: 'Signed In', userId: 'u1', timestamp: '2026-01-01T00:00:00Z', properties: { p1: 1, p2: 2, p3: 3 } },
        { name: 'Signed In', userId: 'u2', timestamp: '2026-01-01T00:00:00Z', properties: { p1: 1, p2: 2 } },
        { name: 'Signed In', userId: 'u3', timestamp: '2026-01-01T00:00:00Z' },
      ],
    });
    const payload = res.data?.trackEvents;
    expect(payload.results.map((r: any) => [r.status, r.errors.map((e: any) => [e.field, e.code])])).toEqual([
      ['REJECTED', [['properties.p1', 'FIELD_LIMIT_REACHED']]],
      ['CREATED', []],
      ['CREATED', []],
    ]);
    expect(payload.results[0].errors[0].message).toMatch(/at most 8\b/);
    expect(await customFields()).toEqual(['f1', 'f2', 'f3', 'f7', 'f8', 'f9', 'p1', 'p2']);

    const full = await t.gql(UPSERT_ACCOUNTS, {
      records: [
        { id: 'a', custom: { f1: 100 } },
        { id: 'f', name: 'F', custom: { brand_new: 1 } },
      ],
    });
    expect(full.data?.upsertAccounts.results.map((r: any) => [r.status, r.errors.map((e: any) => e.code)])).toEqual([
      ['UPDATED', []],
      ['REJECTED', ['FIELD_LIMIT_REACHED']],
    ]);
  });

  it('refuses to declare a new custom field once the workspace is full; known ones can still be declared', async () => {
    const declare = (key: string) =>
      t.gql('mutation($i: CreateCustomFieldInput!) { createCustomField(input: $i) { field { key } userErrors { field code message } } }', {
        i: { object: 'USER', key, type: 'NUMBER' },
      });
    const refused = (await declare('brand_new_user_field')).data?.createCustomField;
    expect(refused.field).toBeNull();
    expect(refused.userErrors).toEqual([
      { field: ['input', 'key'], code: 'INVALID', message: expect.stringMatching(/limit of 8 custom fields/) },
    ]);
    const known = await t.gql(
      'mutation { createCustomField(input: { object: ACCOUNT, key: "f2", type: NUMBER }) { field { key } userErrors { code } } }',
    );
    expect(known.data?.createCustomField).toEqual({ field: { key: 'f2' }, userErrors: [] });
  });

  it('counts each workspace on its own', async () => {
    const other = await t.newWorkspace('Other');
    const res = await t.gql(UPSERT_ACCOUNTS, { records: [{ id: 'x', name: 'X', custom: { q1: 1, q2: 2 } }] }, other.adminKey);
    expect(res.data?.upsertAccounts.created).toBe(1);
    expect(await customFields(other.workspaceId)).toEqual(['q1', 'q2']);
  });

  it('reports the codes through the Hightouch REST adapter too', async () => {
    const other = await t.newWorkspace('Rest');
    const response = await t.server.app.inject({
      method: 'POST',
      url: '/hightouch/v1/objects/account/upsert',
      headers: { authorization: `Bearer ${other.adminKey}`, 'content-type': 'application/json' },
      payload: { records: [{ account_id: 'r1', company_name: 'R1', c1: 1, c2: 2, c3: 3, c4: 4, c5: 5, c6: 6 }] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().results[0]).toMatchObject({ status: 'rejected', errors: [{ code: 'TOO_MANY_NEW_FIELDS' }] });
  });
});
