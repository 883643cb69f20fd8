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

// ---------------------------------------------------------------------------------------------
// CRM exports: the words of a column an ELT tool copied from Salesforce or HubSpot
// ---------------------------------------------------------------------------------------------

/**
 * Words that decorate a CRM column without saying what it holds, removed when other words remain:
 * - Salesforce custom fields end in `__c` (`Licenses__c`), `_c` once an ELT tool lower-cased them
 *   (`licenses_c`); `__pc` on person accounts.
 * - HubSpot's internal properties start with `hs_` (`hs_lastmodifieddate`); Fivetran's HubSpot
 *   columns with `property_` (`property_industry`, `property_hs_timezone`); Stitch's wrap them in
 *   `properties__…__value`.
 */
export function withoutCrmDecorations(tokens: readonly string[]): readonly string[] {
  let start = 0;
  let end = tokens.length;
  if (end - start > 1 && (tokens[end - 1] === 'c' || tokens[end - 1] === 'pc')) end--;
  if (end - start > 2 && tokens[start] === 'properties' && tokens[end - 1] === 'value') {
    start++;
    end--;
  }
  if (end - start > 1 && tokens[start] === 'property') start++;
  if (end - start > 1 && tokens[start] === 'hs') start++;
  return start === 0 && end === tokens.length ? tokens : tokens.slice(start, end);
}

/**
 * Abbreviations of warehouse marts, and what they stand for. Only abbreviations with one business
 * reading are listed: `no` (a boolean as often as a number), `st` (street or state) and `co`
 * (company or co-) are not.
 */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  acct: 'account',
  cust: 'customer',
  usr: 'user',
  amt: 'amount',
  qty: 'quantity',
  cnt: 'count',
  num: 'number',
  nbr: 'number',
  dt: 'date',
  ts: 'timestamp',
  tstamp: 'timestamp',
  nm: 'name',
  cd: 'code',
  typ: 'type',
  lic: 'license',
  emp: 'employee',
  rev: 'revenue',
  cntry: 'country',
  ctry: 'country',
  rgn: 'region',
  tz: 'timezone',
  addr: 'address',
  mgr: 'manager',
  exec: 'executive',
  tot: 'total',
  val: 'value',
};

/** What a mart abbreviation stands for ("acct" -> account), else the word itself. */
export const expandAbbreviation = (word: string): string => ABBREVIATIONS[word] ?? word;

/** Longest word a segmenter looks up: every step of its dynamic programme tries at most this many characters. */
const MAX_VOCABULARY_WORD = 24;

interface TrieNode {
  next: Map<string, TrieNode>;
  word: boolean;
}

/**
 * A splitter of run-together lower-case words ("closedate", "numberoflicenses") against a
 * vocabulary: the split into the fewest vocabulary words that covers the whole token, or null when
 * the token is a word itself or no split covers it (so "seasonality" or "planet" never become
 * "season…" or "plan et"). A dynamic programme over positions that walks a trie of the words from
 * each reachable position: at most MAX_VOCABULARY_WORD steps per character, linear in the length.
 */
export function wordSegmenter(words: Iterable<string>): (token: string) => string[] | null {
  const root: TrieNode = { next: new Map(), word: false };
  for (const word of words) {
    if (word.length > MAX_VOCABULARY_WORD) continue;
    let node = root;
    for (let k = 0; k < word.length; k++) {
      const c = word[k]!;
      let child = node.next.get(c);
      if (!child) {
        child = { next: new Map(), word: false };
        node.next.set(c, child);
      }
      node = child;
    }
    node.word = true;
  }
  return (token) => {
    const n = token.length;
    // fewest[i]: fewest words covering token[0, i); from[i]: where the last of them starts.
    const fewest = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
    const from = new Array<number>(n + 1).fill(-1);
    fewest[0] = 0;
    for (let i = 0; i < n; i++) {
      if (fewest[i] === Number.POSITIVE_INFINITY) continue;
      let node: TrieNode | undefined = root;
      for (let j = i; j < n && j - i < MAX_VOCABULARY_WORD; j++) {
        spendWork(1);
        node = node.next.get(token[j]!);
        if (!node) break;
        if (node.word && fewest[i]! + 1 < fewest[j + 1]!) {
          fewest[j + 1] = fewest[i]! + 1;
          from[j + 1] = i;
        }
      }
    }
    if (fewest[n]! < 2 || fewest[n] === Number.POSITIVE_INFINITY) return null;
    const split: string[] = [];
    for (let end = n; end > 0; end = from[end]!) split.push(token.slice(from[end]!, end));
    return split.reverse();
  };
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
  const tokens = keyTokens(text);
  if (tokens.length === 0) return text;
  // Salesforce's labels never show the custom-field suffix: `Next_Renewal__c` reads "Next Renewal".
  const words = tokens.length > 1 && tokens.at(-1) === 'c' && /_c$/i.test(text) ? tokens.slice(0, -1) : tokens;
  // Lower-casing first is deliberate: Snowflake upper-cases identifiers, and "ACCOUNT_NAME" should read "Account Name".
  return words.map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1))).join(' ');
}
