import { beforeAll, describe, expect, it } from 'vitest';
import { suiteApp } from '../support/harness.ts';
import { hightouch, storedAccounts } from './client.ts';

// REST strict mode: `?rejected=fail` answers 422 with the same per-record body when any record
// was refused, so an HTTP client that judges success by the status (Hightouch's HTTP Request
// destination) does not count the batch as synced. The valid records are stored either way.

const t = suiteApp();
let ht: ReturnType<typeof hightouch>;

beforeAll(async () => {
  ht = hightouch(t);
});

const batch = (prefix: string) => ({
  records: [
    { account_id: `${prefix}-ok`, company_name: 'Fine', seats: 2 },
    { account_id: `${prefix}-bad`, company_name: 'Broken', seats: 'many' },
  ],
});

describe('REST strict mode', () => {
  it('answers 422 with the same per-record body when a record is rejected; the valid ones are stored', async () => {
    const lenient = await ht.post('/objects/account/upsert', batch('lenient'));
    const strict = await ht.post('/objects/account/upsert?rejected=fail', batch('strict'));
    expect(lenient.status).toBe(200);
    expect(strict.status).toBe(422);
    const normalise = (body: any) => JSON.parse(JSON.stringify(body).replaceAll('lenient', 'X').replaceAll('strict', 'X'));
    expect(normalise(strict.body)).toEqual(normalise(lenient.body));
    expect(strict.body.results[1]).toMatchObject({ status: 'rejected', errors: [{ field: 'seats', code: 'TYPE_MISMATCH' }] });
    expect(Object.keys(await storedAccounts(t, t.workspaceId))).toEqual(['lenient-ok', 'strict-ok']);
    // A retry of the whole batch is safe: the stored record is unchanged, the bad one still refused.
    const retry = await ht.post('/objects/account/upsert?rejected=fail', batch('strict'));
    expect(retry.status).toBe(422);
    expect(retry.body.results.map((r: { status: string }) => r.status)).toEqual(['unchanged', 'rejected']);
  });

  it('answers 200 when nothing is refused, and for events too judges by rejections', async () => {
    const fine = await ht.post('/objects/account/upsert?rejected=fail', { records: [{ account_id: 'all-good', company_name: 'Good' }] });
    expect(fine.status).toBe(200);
    const events = await ht.post('/objects/event/insert?rejected=fail', [
      { event_name: 'Signed In', timestamp: '2026-02-01T09:00:00Z', user_id: 'u1' },
      { event_name: 'Signed In', timestamp: 'soon', user_id: 'u1' },
    ]);
    expect(events.status).toBe(422);
    expect(events.body.summary).toMatchObject({ created: 1, rejected: 1 });
    const replay = await ht.post('/objects/event/insert?rejected=fail', [
      { event_name: 'Signed In', timestamp: '2026-02-01T09:00:00Z', user_id: 'u1' },
    ]);
    expect(replay.status).toBe(200);
    expect(replay.body.summary.duplicate).toBe(1);
  });

  it('counts unknown IDs of update mode as refused, but not those of delete', async () => {
    const update = await ht.post('/objects/account/update?rejected=fail', { records: [{ account_id: 'nobody', seats: 1 }] });
    expect(update.status).toBe(422);
    expect(update.body.results[0].status).toBe('not_found');
    const remove = await ht.post('/objects/account/delete?rejected=fail', { records: [{ account_id: 'nobody' }] });
    expect(remove.status).toBe(200);
  });

  it('refuses an unknown value of the parameter; `report` is the default', async () => {
    const bad = await ht.post('/objects/account/upsert?rejected=maybe', batch('x'));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { parameter: 'rejected' } });
    expect((await ht.post('/objects/account/upsert?rejected=report', batch('report'))).status).toBe(200);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await ht.get('/openapi.json', { key: null })).body;
    const write = doc.paths['/objects/{object}/{mode}'].post;
    expect(write.parameters).toContainEqual(expect.objectContaining({ name: 'rejected', in: 'query', required: false }));
    expect(write.responses['422']).toBeDefined();
  });
});
