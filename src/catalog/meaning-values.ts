import { isEmail, isIsoDateTime, type RecordKind, type SemanticType } from './inference.ts';

/**
 * The meaning of a field whose name says nothing (`c_17`, `attr_3`, `field1`), read from its most
 * frequent values when they are distinctive: e-mail addresses, web addresses, bare domains, IANA
 * time zones, ISO 3166 country codes or English country names, phone numbers. Only for fields the
 * name gives no meaning: values never override a name. Pure; the values come from the maintained
 * statistics (`topTextValuesSample` in ./statistics.ts), a bounded sample, never the records.
 */

/** How many of a field's most frequent values are read (the sample `topTextValuesSample` takes). */
export const VALUE_SAMPLE_SIZE = 10;
/** Share of the sampled records whose value must be of one kind for the kind to decide. */
const AGREEMENT = 0.9;
/** Records the sample must cover: one record is an anecdote, not evidence. */
const MIN_RECORDS = 2;
/** Nothing distinctive is longer (a URL may be, and is then not evidence: the type URL already is). */
const MAX_VALUE_LENGTH = 256;

/** The IANA tz database's areas ("Europe/Berlin", "America/Argentina/Buenos_Aires"), plus UTC and GMT. */
const IANA_ZONE =
  /^(?:(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)(?:\/[A-Za-z][A-Za-z0-9_+-]*){1,2}|UTC|GMT)$/;
/** A host name whose last label is a top-level domain people use for companies. */
const DOMAIN = /^(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24})$/i;
/** Generic top-level domains common for companies; two-letter labels are country domains. */
const GENERIC_TLDS: ReadonlySet<string> = new Set(
  'com org net io ai co app dev edu gov info biz tech cloud xyz inc ltd group agency design digital solutions software systems studio health finance capital ventures'.split(
    ' ',
  ),
);
/** A phone number as people write it: an optional +, digits, and spaces, dashes or parentheses. */
const PHONE = /^\+?[0-9(][0-9 ()-]{5,22}[0-9]$/;

/** ISO 3166-1 alpha-2 codes and their English names (macro-regions and private-use codes excluded), built once on first use. */
let countries: { codes: ReadonlySet<string>; names: ReadonlySet<string> } | null = null;
const NOT_COUNTRIES: ReadonlySet<string> = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);

function countryTables(): { codes: ReadonlySet<string>; names: ReadonlySet<string> } {
  if (countries) return countries;
  const display = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const codes = new Set<string>();
  const names = new Set<string>(['usa', 'uk', 'united states of america']);
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const name = NOT_COUNTRIES.has(code) ? undefined : display.of(code);
      if (!name) continue;
      codes.add(code);
      names.add(name.toLowerCase());
    }
  }
  countries = { codes, names };
  return countries;
}

type ValueKind = 'EMAIL' | 'URL' | 'DOMAIN' | 'TIMEZONE' | 'COUNTRY' | 'PHONE';

/** What one value is, or null when it is nothing distinctive. */
export function valueKind(value: string): ValueKind | null {
  const s = value.trim();
  if (s.length === 0 || s.length > MAX_VALUE_LENGTH) return null;
  if (isEmail(s)) return 'EMAIL';
  if (/^https?:\/\/[^\s/]+\.[^\s/]+/i.test(s)) return 'URL';
  if (IANA_ZONE.test(s)) return 'TIMEZONE';
  const { codes, names } = countryTables();
  if ((s.length === 2 && codes.has(s)) || names.has(s.toLowerCase())) return 'COUNTRY';
  const tld = DOMAIN.exec(s)?.[1]?.toLowerCase();
  if (tld && (tld.length === 2 || GENERIC_TLDS.has(tld))) return 'DOMAIN';
  if (PHONE.test(s) && !isIsoDateTime(s)) {
    const digits = s.replace(/\D/g, '').length;
    // A bare run of digits is an id or an amount; a phone number is written with a + or separators.
    if (digits >= 7 && digits <= 15 && /[+ ()-]/.test(s)) return 'PHONE';
  }
  return null;
}

/** The meaning each kind of value gives, per object: a URL is the company's site, but on a user an avatar or a profile. */
const MEANING: Record<ValueKind, Partial<Record<RecordKind, SemanticType>>> = {
  EMAIL: { ACCOUNT: 'EMAIL', USER: 'EMAIL' },
  URL: { ACCOUNT: 'WEBSITE' },
  DOMAIN: { ACCOUNT: 'DOMAIN', USER: 'DOMAIN' },
  TIMEZONE: { ACCOUNT: 'TIMEZONE', USER: 'TIMEZONE' },
  COUNTRY: { ACCOUNT: 'COUNTRY', USER: 'COUNTRY' },
  PHONE: { ACCOUNT: 'PHONE', USER: 'PHONE' },
};

/**
 * The meaning a field's most frequent values give: the kind of value held by at least 90% of the
 * records the sample covers (at least two records), or null. `sample`: values with how many records
 * hold each, as the maintained statistics keep them.
 */
export function semanticFromValues(sample: ReadonlyArray<{ value: unknown; count: number }>, object: RecordKind): SemanticType | null {
  const byKind = new Map<ValueKind | null, number>();
  let records = 0;
  for (const { value, count } of sample.slice(0, VALUE_SAMPLE_SIZE)) {
    if (typeof value !== 'string' || !(count > 0)) continue;
    const kind = valueKind(value);
    byKind.set(kind, (byKind.get(kind) ?? 0) + count);
    records += count;
  }
  if (records < MIN_RECORDS) return null;
  for (const [kind, count] of byKind) {
    if (kind !== null && count >= AGREEMENT * records) return MEANING[kind][object] ?? null;
  }
  return null;
}
