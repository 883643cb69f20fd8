import fc from 'fast-check';

// Generators of hostile input for the fuzz tests: wrong types, huge strings, deep nesting,
// unicode (lone surrogates, NUL, RTL marks, BOM), numbers at the edges, duplicate JSON keys.

/** Runs per property: a few hundred by default, FUZZ_RUNS for the long suite. */
export const RUNS = Number(process.env.FUZZ_RUNS || 200);

/** Any UTF-16 code unit, so lone surrogates and NUL are common. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
export const anyText = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: codeUnit, maxLength: 16 }),
  fc.string({ unit: 'binary', maxLength: 16 }),
);

export const edgeStrings = fc.constantFrom(
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e400',
  '0x10',
  '1_000',
  'null',
  'true',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '😀',
  '\u202eevil',
  '\ufeffbom',
  "'; drop table events; --",
  '2026-01-01T00:00:00Z',
  '2026-13-45T99:99:99Z',
  '9999-12-31T23:59:59Z',
  '0001-01-01',
  '1999-12-31T23:59:59Z',
  '__proto__',
  'constructor',
  'prototype',
  'x'.repeat(9_000),
  'é'.repeat(3_000),
);

export const edgeNumbers = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  0.1,
  1e308,
  -1e308,
  5e-324,
  1e21,
  2 ** 31,
  2 ** 53,
  Number.MAX_SAFE_INTEGER + 1,
  -Number.MAX_SAFE_INTEGER - 1,
  946_684_800,
  99_999_999_999,
  100_000_000_000,
);

export const scalar = fc.oneof(
  { arbitrary: anyText, weight: 3 },
  { arbitrary: edgeStrings, weight: 3 },
  { arbitrary: edgeNumbers, weight: 2 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);

export const key = fc.oneof(anyText, edgeStrings, fc.constantFrom('id', 'name', 'custom', 'properties', 'email', 'seats', 'a'.repeat(200)));

const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(key, tie('json'), { maxKeys: 5 }),
  ),
}));

/** Arrays/objects nested 1–150 deep around any value. */
export const deep = fc.tuple(fc.integer({ min: 1, max: 150 }), scalar, fc.boolean()).map(([depth, inner, objects]) => {
  let value: unknown = inner;
  for (let i = 0; i < depth; i++) value = objects ? { v: value } : [value];
  return value;
});

export const anyJson = fc.oneof({ arbitrary: json, weight: 5 }, { arbitrary: deep, weight: 1 });

/** A value for a field: plausible, edge, or anything. */
export const fieldValue = fc.oneof({ arbitrary: scalar, weight: 4 }, { arbitrary: anyJson, weight: 1 });

/** A field value nested at most a few levels (a body deeper than the JSON depth limit is refused whole). */
export const shallowValue = fc.oneof({ arbitrary: scalar, weight: 4 }, { arbitrary: json, weight: 1 });

/** An object with some of `fields` (any values) and maybe unknown keys. */
export function recordOf(fields: string[], extras = true, value: fc.Arbitrary<unknown> = fieldValue) {
  const known = fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: fields.length });
  return extras
    ? fc
        .tuple(known, fc.dictionary(key, value, { maxKeys: 3 }), fc.boolean())
        .map(([k, extra, withExtra]) => (withExtra ? { ...extra, ...k } : k))
    : known;
}

/** A list of records, or something that is not one. */
export function recordsOf(record: fc.Arbitrary<unknown>) {
  return fc.oneof(
    { arbitrary: fc.array(fc.oneof({ arbitrary: record, weight: 5 }, { arbitrary: anyJson, weight: 1 }), { maxLength: 8 }), weight: 8 },
    { arbitrary: anyJson, weight: 1 },
  );
}

/**
 * JSON text of `value`; with `duplicates`, every object key is preceded by a decoy with the same
 * name (`{"k":null,"k":v}`): parsers keep the last one, so the meaning is unchanged.
 */
export function toJsonText(value: unknown, duplicates: boolean): string {
  if (!duplicates) return JSON.stringify(value);
  const write = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
    if (v !== null && typeof v === 'object') {
      return `{${Object.entries(v)
        .map(([k, inner]) => `${JSON.stringify(k)}:null,${JSON.stringify(k)}:${write(inner)}`)
        .join(',')}}`;
    }
    return JSON.stringify(v) ?? 'null';
  };
  return write(value);
}

/** Insert `valid` records among `noise` at generated positions; `validAt[i]` is where `valid[i]` went. */
export function interleave(valid: unknown[], noise: unknown[], positions: number[]): { batch: unknown[]; validAt: number[] } {
  const tagged: Array<{ valid: number; record: unknown }> = noise.map((record) => ({ valid: -1, record }));
  valid.forEach((record, i) => {
    tagged.splice(Math.min(tagged.length, positions[i] ?? tagged.length), 0, { valid: i, record });
  });
  const validAt = valid.map((_, i) => tagged.findIndex((entry) => entry.valid === i));
  return { batch: tagged.map((entry) => entry.record), validAt };
}

/** Names every plain object answers through its prototype: the keys that broke `obj[key]` lookups. */
export const PROTOTYPE_KEYS = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];

/** A key a read operation may be asked about: an inherited name, a stored key, or anything. */
export function readKey(stored: readonly string[]) {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...PROTOTYPE_KEYS), weight: 3 },
    { arbitrary: fc.constantFrom(...stored), weight: 3 },
    { arbitrary: key, weight: 2 },
  );
}

/** One dimension filter on `key`: one operator (sometimes several, or none) with any value. */
export function filterOn(keys: fc.Arbitrary<string>) {
  const operator = fc.constantFrom('eq', 'neq', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists');
  return fc
    .tuple(keys, fc.array(fc.tuple(operator, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }))), { minLength: 0, maxLength: 2 }))
    .map(([k, ops]) => ({ key: k, ...Object.fromEntries(ops) }));
}

/** An instant for a read argument: ordinary, at the edges of what the calendar or the database can hold, or not one. */
export const readInstant = fc.oneof(
  fc.constantFrom('2026-11-01T00:00:00Z', '2026-11-03T00:00:00+02', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z'),
  fc
    .date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  edgeStrings,
);

/** A cursor: base64url of a JSON triple like the ones the API writes, or of anything. */
export const cursor = fc
  .oneof(
    fc.tuple(fc.string({ maxLength: 12 }), scalar, anyText).map((triple) => JSON.stringify(triple)),
    anyText,
  )
  .map((text) => Buffer.from(text, 'utf8').toString('base64url'));
