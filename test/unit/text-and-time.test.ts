import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIsoDateTime } from '../../src/catalog/inference.ts';
import { dataException, isDatabaseUnavailable } from '../../src/errors.ts';
import { contentKey, eventIdKey } from '../../src/ingest/records.ts';
import { toId, toInstant } from '../../src/ingest/values.ts';
import { characterLength, lookupId, normalizeId } from '../../src/text.ts';

// Issue 12, items 7, 8 and 11: the pure rules behind one timestamp parser, one ID rule, two
// disjoint dedup key spaces, and the classification of database errors.

describe('parseIsoDateTime: the one timestamp reader', () => {
  it.each([
    ['2026-03-01T12:00:00Z', '2026-03-01T12:00:00.000Z'],
    ['2026-03-01T12:00:00+02', '2026-03-01T10:00:00.000Z'],
    ['2026-03-01T12:00:00+0200', '2026-03-01T10:00:00.000Z'],
    ['2026-03-01T12:00:00+02:00', '2026-03-01T10:00:00.000Z'],
    ['2026-03-01T12:00:00-05:30', '2026-03-01T17:30:00.000Z'],
    ['2026-03-01t12:00z', '2026-03-01T12:00:00.000Z'],
    ['2026-03-01 12:00:00', '2026-03-01T12:00:00.000Z'],
    ['2026-03-01T12:00:00,25Z', '2026-03-01T12:00:00.250Z'],
    ['2026-03-01T12:00:00.123456789+01', '2026-03-01T11:00:00.123Z'],
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'],
    ['2024-02-29T23:59:59-00:30', '2024-03-01T00:29:59.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(new Date(parseIsoDateTime(text) as number).toISOString()).toBe(iso);
  });

  it.each([
    '2023-02-29',
    '2026-13-01',
    '2026-03-01T24:00:00Z',
    '2026-03-01T12:60Z',
    '2026-03-01T12:00:00+24',
    '2026-03-01T12',
    'yesterday',
    '',
  ])('%s is not a date-time', (text) => expect(parseIsoDateTime(text)).toBeNull());

  it('agrees with Date.parse wherever Date.parse understands the text', () => {
    const instant = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(instant, fc.integer({ min: -14 * 60, max: 14 * 60 }), (date, offsetMinutes) => {
        const sign = offsetMinutes < 0 ? '-' : '+';
        const abs = Math.abs(offsetMinutes);
        const wall = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23);
        const text = `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        expect(parseIsoDateTime(text)).toBe(Date.parse(text));
        expect(parseIsoDateTime(text)).toBe(date.getTime());
      }),
    );
  });

  it('is what ingestion reads (events and custom values)', () => {
    const read = toInstant('2026-03-01T12:00:00+02');
    expect(read.ok && read.value.toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });
});

describe('IDs', () => {
  it('are trimmed and NFC-normalised; lookups of IDs no record can have are skipped', () => {
    expect(normalizeId('  cafe\u0301 ')).toBe('caf\u00e9');
    expect(lookupId(' cafe\u0301')).toBe('caf\u00e9');
    expect(lookupId('a\u0000b')).toBeNull();
    expect(lookupId('\ud800')).toBeNull();
    expect(lookupId('x'.repeat(257))).toBeNull();
    expect(lookupId('€'.repeat(256))).toBe('€'.repeat(256));
  });

  it('are measured in characters, not bytes or UTF-16 units', () => {
    expect(characterLength('€'.repeat(256))).toBe(256);
    expect(characterLength('😀'.repeat(256))).toBe(256);
    expect(toId('😀'.repeat(256), 'id').ok).toBe(true);
    const long = toId('€'.repeat(257), 'accountId');
    expect(long.ok ? null : long.problem).toEqual({ code: 'VALUE_TOO_LONG', message: 'accountId has at most 256 characters.' });
  });
});

describe('dedup keys: client eventIds and content hashes never meet', () => {
  const hash = contentKey('Signed In', 'u1', new Date('2026-11-01T00:00:00Z'), null, {});

  it('leaves ordinary eventIds as they are (keys stored before the rule stay valid)', () => {
    for (const id of ['q-1', 'evt_123', 'h:abc', `H:${'a'.repeat(64)}`, 'hid:1']) expect(eventIdKey(id)).toBe(id);
  });

  it('prefixes eventIds shaped like a content key or starting with id:', () => {
    expect(eventIdKey(hash)).toBe(`id:${hash}`);
    expect(eventIdKey(`id:${hash}`)).toBe(`id:id:${hash}`);
  });

  it('is injective and never yields a content key', () => {
    const eventId = fc.oneof(
      fc.string(),
      fc.stringMatching(/^h:[0-9a-f]{64}$/),
      fc.string().map((s) => `id:${s}`),
      fc.stringMatching(/^(id:)*h:[0-9a-f]{64}$/),
    );
    fc.assert(
      fc.property(eventId, eventId, (a, b) => {
        expect(eventIdKey(a)).not.toMatch(/^h:[0-9a-f]{64}$/);
        if (a !== b) expect(eventIdKey(a)).not.toBe(eventIdKey(b));
      }),
    );
  });
});

describe('database errors', () => {
  it('a protocol violation (08P01, e.g. too many bind parameters) is not an outage', () => {
    expect(isDatabaseUnavailable({ code: '08P01', message: 'bind message has 66000 parameter formats but 0 parameters' })).toBe(false);
    expect(isDatabaseUnavailable({ code: '08006' })).toBe(true);
    expect(isDatabaseUnavailable({ message: 'wrapped', cause: { code: '08P01' } })).toBe(false);
  });

  it('class 22 (data exception) is found through wrappers; other classes are not', () => {
    expect(dataException({ message: 'Failed query', cause: { code: '22021', message: 'invalid byte sequence' } })).toEqual({
      sqlState: '22021',
      message: 'invalid byte sequence',
    });
    expect(dataException({ code: '23505' })).toBeUndefined();
    expect(dataException({ code: 'ECONNREFUSED' })).toBeUndefined();
  });
});
