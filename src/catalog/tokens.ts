/**
 * The words of a column key (snake_case, camelCase, kebab-case, dots, spaces and punctuation) and
 * its human label. Pure; the semantic rules (`semantics.ts`) match on these words.
 */

/**
 * Units of work spent by name matching (characters scanned and concatenated): lets a test prove
 * the cost per key grows linearly with its length without timing anything.
 */
const work = { count: 0 };
export function inferenceWork(): number {
  return work.count;
}

/** Count `units` of name-matching work (see `inferenceWork`). */
export function spendWork(units: number): void {
  work.count += units;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;

/** Character class for splitting: ASCII by code, the rest by Unicode property. */
/** `word`: letters that are neither upper nor lower case (Lt, Lm, Lo), and digits. */
type Kind = 'other' | 'upper' | 'lower' | 'word';

function kindOf(c: string): Kind {
  const code = c.charCodeAt(0);
  if (code < 128) {
    if (code >= 65 && code <= 90) return 'upper';
    if (code >= 97 && code <= 122) return 'lower';
    return code >= 48 && code <= 57 ? 'word' : 'other';
  }
  if (UPPER.test(c)) return 'upper';
  if (LOWER.test(c)) return 'lower';
  return LETTER_OR_DIGIT.test(c) ? 'word' : 'other';
}

/**
 * Words of a key in one pass over its characters (linear in its length, unlike the regular
 * expressions this replaces, which backtracked on long upper-case runs). A word ends at any
 * character that is not a letter or digit, between a lower-case and an upper-case letter
 * (camelCase -> camel Case; digits stay attached: "B2B", "30d"), and before the last capital of
 * an upper-case run followed by a lower-case letter (HTTPStatus -> HTTP Status).
 */
function splitWords(key: string): string[] {
  const chars = [...key];
  spendWork(chars.length);
  const kinds = chars.map(kindOf);
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < chars.length; i++) {
    const kind = kinds[i]!;
    if (kind === 'other') {
      if (start >= 0) words.push(chars.slice(start, i).join(''));
      start = -1;
      continue;
    }
    const previous = kinds[i - 1];
    const boundary = start >= 0 && kind === 'upper' && (previous === 'lower' || (previous === 'upper' && kinds[i + 1] === 'lower'));
    if (boundary) words.push(chars.slice(start, i).join(''));
    if (start < 0 || boundary) start = i;
  }
  if (start >= 0) words.push(chars.slice(start).join(''));
  return words;
}

/** Lower-case words of a key: snake_case, camelCase, kebab-case, dots, spaces and punctuation all split. */
export function keyTokens(key: string): string[] {
  return splitWords(key).map((word) => word.toLowerCase());
}

/**
 * Words that read wrong in Title Case: the usual SaaS acronyms plus AE, FTE, LTV and TZ, which our own
 * semantic rules recognise and which would otherwise render as "Ae Email" or "Ltv".
 */
const ACRONYMS: ReadonlySet<string> = new Set([
  'id',
  'arr',
  'mrr',
  'url',
  'csm',
  'hq',
  'usd',
  'nps',
  'arpu',
  'sla',
  'crm',
  'utm',
  'api',
  'ip',
  'sso',
  'b2b',
  'ae',
  'fte',
  'ltv',
  'tz',
]);

const capitalizeFirstLetter = (s: string): string => s.replace(/\p{L}/u, (c) => c.toUpperCase());

/** Human label for a column key, e.g. acct_seat_count -> "Acct Seat Count", "ARR (USD)" -> "ARR (USD)". */
export function humanLabel(key: string): string {
  const text = key.trim().replace(/\s+/g, ' ');
  if (/[ ()]/.test(text)) {
    // Somebody already wrote a label (a BI alias like "ARR (USD)" or "Number of seats"): keep their
    // wording and casing, only fix acronyms and the first letter.
    const fixed = text.replace(/[\p{L}\p{N}]+/gu, (w) => (ACRONYMS.has(w.toLowerCase()) ? w.toUpperCase() : w));
    return capitalizeFirstLetter(fixed);
  }
  const words = keyTokens(text);
  if (words.length === 0) return text;
  // Lower-casing first is deliberate: Snowflake upper-cases identifiers, and "ACCOUNT_NAME" should read "Account Name".
  return words.map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1))).join(' ');
}
