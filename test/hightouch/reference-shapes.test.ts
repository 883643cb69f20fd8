import { describe, expect, it } from 'vitest';
import { rpcSuite, storedAccounts, storedEvents, storedUsers } from './client.ts';

// Every Embedded Destination method called with exactly the params Hightouch's public example
// servers (hightouchio/custom-destinations: mailchimp/index.js, slack/index.js) receive:
//   list_objects()                     list_modes({ object })          list_fields({ object, mode })
//   list_options({ object })           validate({ configuration })     behavior({ configuration })
//   add / change / remove({ idColumn, configuration, rows })
// where configuration is { identifierMapping: { from, to }, mappings: [{ from, to }], ...form options }
// and names no object or mode. Then the same with the object named (in configuration, or as a
// top-level param), and the ways inference fails.

const { t, call, result } = rpcSuite();

// The reference's configuration: the identifier mapping, the other mappings, the form's options at the top level.
const accountConfiguration = {
  identifierMapping: { from: 'ACCT_ID', to: 'account_id' },
  mappings: [
    { from: 'COMPANY', to: 'company_name' },
    { from: 'NUM_SEATS', to: 'seats' },
  ],
};
const userConfiguration = {
  identifierMapping: { from: 'USER_KEY', to: 'user_id' },
  mappings: [
    { from: 'EMAIL_ADDRESS', to: 'email' },
    { from: 'ACCT_ID', to: 'account_id' },
  ],
};
const eventConfiguration = {
  identifierMapping: { from: 'EVENT_ROW', to: 'event_id' },
  mappings: [
    { from: 'EVENT', to: 'event_name' },
    { from: 'TS', to: 'timestamp' },
    { from: 'USER_KEY', to: 'user_id' },
    { from: 'AMOUNT', to: 'amount' },
  ],
};

describe('the reference params, no object anywhere (inferred from the mappings)', () => {
  it('list_objects, list_modes, list_fields and list_options', async () => {
    for (const params of [undefined, {}]) {
      expect((await result('list_objects', params)).objects.map((o: { id: string }) => o.id)).toEqual(['account', 'user', 'event']);
    }
    expect((await result('list_modes', { object: 'user' })).modes.map((m: { id: string }) => m.id)).toEqual(['upsert', 'update']);
    const fields = (await result('list_fields', { object: 'event', mode: 'insert' })).fields;
    expect(fields.map((f: { id: string }) => f.id)).toEqual(['event_name', 'timestamp', 'user_id', 'account_id', 'event_id']);
    expect((await result('list_options', { object: 'account' })).options.schema.properties.api_key.type).toBe('string');
  });

  it('validate explains what it inferred', async () => {
    expect(await result('validate', { configuration: accountConfiguration })).toEqual({
      errors: [],
      warnings: [],
      notes: [
        'Object: account (inferred: the identifier (column ACCT_ID) is mapped to account_id).',
        'Mode: upsert (the default for Account syncs).',
      ],
    });
    expect((await result('validate', { configuration: userConfiguration })).notes).toEqual([
      'Object: user (inferred: the identifier (column USER_KEY) is mapped to user_id).',
      'Mode: upsert (the default for User syncs).',
    ]);
    const events = await result('validate', { configuration: eventConfiguration });
    expect(events.errors).toEqual([]);
    expect(events.notes).toEqual([
      'Object: event (inferred: column EVENT is mapped to event_name).',
      'Mode: insert (the default for Event syncs).',
    ]);
  });

  it('behavior', async () => {
    expect(await result('behavior', { configuration: accountConfiguration })).toEqual({
      batchSize: 1000,
      operations: { add: true, change: true, remove: true },
      skipInitialRun: false,
    });
    expect((await result('behavior', { configuration: eventConfiguration })).operations).toEqual({
      add: true,
      change: false,
      remove: false,
    });
  });

  it('add, change and remove accounts and users; add events (change and remove of events are no-ops)', async () => {
    expect(
      await result('add', {
        idColumn: 'ACCT_ID',
        configuration: accountConfiguration,
        rows: [
          { ACCT_ID: 'ref-a1', COMPANY: 'Acme', NUM_SEATS: 5 },
          { ACCT_ID: 'ref-a2', COMPANY: 'Globex', NUM_SEATS: 'many' },
        ],
      }),
    ).toEqual({ rejectedRows: [{ id: 'ref-a2', reason: expect.stringContaining('TYPE_MISMATCH on seats (column NUM_SEATS)') }] });
    expect(
      await result('change', {
        idColumn: 'ACCT_ID',
        configuration: accountConfiguration,
        rows: [{ ACCT_ID: 'ref-a1', COMPANY: 'Acme Inc', NUM_SEATS: 6 }],
      }),
    ).toEqual({ rejectedRows: [] });
    expect(await storedAccounts(t, t.workspaceId)).toEqual({ 'ref-a1': { name: 'Acme Inc', seats: 6 } });

    expect(
      await result('add', {
        idColumn: 'USER_KEY',
        configuration: userConfiguration,
        rows: [{ USER_KEY: 'ref-u1', EMAIL_ADDRESS: 'ada@acme.com', ACCT_ID: 'ref-a1' }],
      }),
    ).toEqual({ rejectedRows: [] });
    expect(await storedUsers(t, t.workspaceId)).toEqual({ 'ref-u1': { email: 'ada@acme.com', accountId: 'ref-a1' } });

    const eventRows = [{ EVENT_ROW: 'e1', EVENT: 'Signed In', TS: '2026-02-01T09:00:00Z', USER_KEY: 'ref-u1', AMOUNT: 3 }];
    expect(await result('add', { idColumn: 'EVENT_ROW', configuration: eventConfiguration, rows: eventRows })).toEqual({
      rejectedRows: [],
    });
    expect(await result('change', { idColumn: 'EVENT_ROW', configuration: eventConfiguration, rows: eventRows })).toBeNull();
    expect(await result('remove', { idColumn: 'EVENT_ROW', configuration: eventConfiguration, rows: eventRows })).toBeNull();
    expect((await storedEvents(t, t.workspaceId)).map((e) => [e.name, e.user_id, e.properties])).toEqual([
      ['Signed In', 'ref-u1', { amount: 3 }],
    ]);

    expect(await result('remove', { idColumn: 'USER_KEY', configuration: userConfiguration, rows: [{ USER_KEY: 'ref-u1' }] })).toEqual({
      rejectedRows: [],
    });
    expect(await result('remove', { idColumn: 'ACCT_ID', configuration: accountConfiguration, rows: [{ ACCT_ID: 'ref-a1' }] })).toEqual({
      rejectedRows: [],
    });
    expect(await storedAccounts(t, t.workspaceId)).toEqual({});
    expect(await storedUsers(t, t.workspaceId)).toEqual({});
  });
});

describe('the same calls with the object named', () => {
  it('in the configuration (object and mode), or as top-level params like list_modes and list_fields get', async () => {
    const named = { ...accountConfiguration, object: 'account', mode: 'update' };
    expect((await result('validate', { configuration: named })).notes).toEqual([
      'Object: account (from configuration.object).',
      'Mode: update (from configuration.mode).',
    ]);
    expect((await result('validate', { configuration: accountConfiguration, object: 'account', mode: 'update' })).notes).toEqual([
      'Object: account (from the object parameter).',
      'Mode: update (from the mode parameter).',
    ]);
    expect((await result('behavior', { configuration: named })).operations).toEqual({ add: true, change: true, remove: false });
    // Update mode creates nothing: the unknown account is a rejected row, whichever way the mode came.
    for (const params of [
      { idColumn: 'ACCT_ID', configuration: named, rows: [{ ACCT_ID: 'ref-new', COMPANY: 'New' }] },
      {
        idColumn: 'ACCT_ID',
        configuration: accountConfiguration,
        object: 'account',
        mode: 'update',
        rows: [{ ACCT_ID: 'ref-new', COMPANY: 'New' }],
      },
    ]) {
      expect((await result('add', params)).rejectedRows).toEqual([{ id: 'ref-new', reason: expect.stringContaining('NOT_FOUND') }]);
      expect((await result('change', params)).rejectedRows).toHaveLength(1);
      expect(await result('remove', params)).toEqual({ rejectedRows: [] });
    }
    // The named object is used as is.
    const userNamed = { ...userConfiguration, object: 'user' };
    expect(
      (await result('add', { idColumn: 'USER_KEY', configuration: userNamed, rows: [{ USER_KEY: 'ref-u9', EMAIL_ADDRESS: 'u9@x.io' }] }))
        .rejectedRows,
    ).toEqual([]);
    expect(Object.keys(await storedUsers(t, t.workspaceId))).toEqual(['ref-u9']);
    expect(await storedAccounts(t, t.workspaceId)).toEqual({});
  });
});

describe('object inference failures', () => {
  it('no identifier and no event_name: validate says what to do; sync methods answer -32602 with the same reason', async () => {
    const unclear = { mappings: [{ from: 'COMPANY', to: 'company_name' }] };
    const checked = await result('validate', { configuration: unclear });
    expect(checked.errors).toEqual([
      expect.stringMatching(/^Cannot tell which object this sync writes: .*names no object and maps no identifier/),
    ]);
    for (const method of ['behavior', 'add', 'change', 'remove']) {
      const body = await call(method, { idColumn: 'X', configuration: unclear, rows: [] });
      expect(body.error, method).toMatchObject({ code: -32602, data: { problems: [expect.stringContaining('Cannot tell which object')] } });
    }
  });

  it('an identifier of no object, an unknown object, a mode the inferred object lacks', async () => {
    const byEmail = { identifierMapping: { from: 'MAIL', to: 'email' }, mappings: [] };
    expect((await result('validate', { configuration: byEmail })).errors).toEqual([
      expect.stringContaining('the identifier is mapped to "email"'),
    ]);
    expect((await result('validate', { configuration: { ...accountConfiguration, object: 'invoice' } })).errors).toEqual([
      'Choose an object: account, user, event (configuration.object is "invoice").',
    ]);
    expect((await result('validate', { configuration: eventConfiguration, mode: 'upsert' })).errors).toEqual([
      'Mode "upsert" is not available for Event syncs; use insert.',
    ]);
    const bad = await call('add', { idColumn: 'EVENT_ROW', configuration: { ...eventConfiguration, mode: 'update' }, rows: [] });
    expect(bad.error?.data.problems).toEqual(['configuration: Mode "update" is not available for Event syncs; use insert.']);
  });
});
