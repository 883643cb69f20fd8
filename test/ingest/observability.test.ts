import { expect, it } from 'vitest';
import { suiteApp } from '../support/harness.ts';
import { TRACK, UPSERT_ACCOUNTS } from './fragments.ts';

const t = suiteApp();

it('counts ingested records by object and status in /metrics and on the request log line', async () => {
  await t.gql(UPSERT_ACCOUNTS, { records: [{ id: 'm1', name: 'M1' }, { id: 'm2', name: 'M2' }, { id: 'm3' }] });
  const event = { name: 'Signed In', timestamp: '2026-11-01T00:00:00Z', userId: 'u' };
  await t.gql(TRACK, { records: [event, event] });

  const metrics = (await t.server.app.inject({ method: 'GET', url: '/metrics' })).body;
  expect(metrics).toMatch(/ingest_records_total\{[^}]*object="account"[^}]*status="created"[^}]*\} 2/);
  expect(metrics).toMatch(/ingest_records_total\{[^}]*object="account"[^}]*status="rejected"[^}]*\} 1/);
  expect(metrics).toMatch(/ingest_records_total\{[^}]*object="event"[^}]*status="duplicate"[^}]*\} 1/);

  const lines = t.logs.map((line) => JSON.parse(line) as { records?: Record<string, Record<string, number>> }).filter((l) => l.records);
  expect(lines.map((l) => l.records)).toEqual([{ account: { created: 2, rejected: 1 } }, { event: { created: 1, duplicate: 1 } }]);
});
