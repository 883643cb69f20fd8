import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { semanticFromValues, valueKind } from '../../src/catalog/meaning-values.ts';

describe('valueKind: what one value is', () => {
  it.each([
    ['ada@acme.com', 'EMAIL'],
    ['https://acme.com/pricing', 'URL'],
    ['acme.com', 'DOMAIN'],
    ['www.globex.io', 'DOMAIN'],
    ['initech.co.uk', 'DOMAIN'],
    ['Europe/Berlin', 'TIMEZONE'],
    ['America/Argentina/Buenos_Aires', 'TIMEZONE'],
    ['Etc/GMT+5', 'TIMEZONE'],
    ['UTC', 'TIMEZONE'],
    ['US', 'COUNTRY'],
    ['GB', 'COUNTRY'],
    ['Germany', 'COUNTRY'],
    ['united kingdom', 'COUNTRY'],
    ['+1 415 555 0100', 'PHONE'],
    ['(415) 555-0100', 'PHONE'],
    ['+442079460958', 'PHONE'],
    // Nothing distinctive
    ['4155550100', null], // a bare run of digits: an id or an amount
    ['2024-01-15', null],
    ['10.0.0.1', null],
    ['1.2.3', null],
    ['john.smith', null],
    ['report.pdf', null],
    ['us', null], // lower-case two letters: a language as often as a country
    ['EU', null],
    ['NY', null],
    ['Enterprise', null],
    ['Europe', null],
    ['', null],
  ])('%j -> %s', (value, kind) => {
    expect(valueKind(value)).toBe(kind);
  });

  it('answers for any string, long or hostile, without throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) =>
        [null, 'EMAIL', 'URL', 'DOMAIN', 'TIMEZONE', 'COUNTRY', 'PHONE'].includes(valueKind(s)),
      ),
    );
    expect(valueKind(`${'a.'.repeat(5000)}com`)).toBeNull();
    expect(valueKind(`+${'1 '.repeat(5000)}`)).toBeNull();
  });
});

describe('semanticFromValues: the kind held by at least 90% of the sampled records', () => {
  const sample = (...pairs: Array<[string, number]>) => pairs.map(([value, count]) => ({ value, count }));

  it('decides when the values agree, weighted by how many records hold each', () => {
    expect(semanticFromValues(sample(['Europe/Berlin', 5], ['America/Chicago', 4]), 'USER')).toBe('TIMEZONE');
    expect(semanticFromValues(sample(['US', 30], ['DE', 10], ['unknown', 2]), 'ACCOUNT')).toBe('COUNTRY');
    expect(semanticFromValues(sample(['US', 3], ['DE', 1], ['unknown', 2]), 'ACCOUNT')).toBeNull();
  });

  it('needs two records at least, and text values', () => {
    expect(semanticFromValues(sample(['Europe/Berlin', 1]), 'ACCOUNT')).toBeNull();
    expect(semanticFromValues([{ value: 44, count: 9 }], 'ACCOUNT')).toBeNull();
  });

  it('takes a web address for a website on accounts only', () => {
    const urls = sample(['https://acme.com', 2], ['https://globex.io', 1]);
    expect(semanticFromValues(urls, 'ACCOUNT')).toBe('WEBSITE');
    expect(semanticFromValues(urls, 'USER')).toBeNull();
  });

  it('does not read a column of US state codes as countries', () => {
    expect(semanticFromValues(sample(['CA', 4], ['NY', 3], ['TX', 3], ['WA', 2]), 'ACCOUNT')).toBeNull();
  });
});
