import { createHash, randomBytes, randomUUID } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const KEY_PREFIX = 'cor_';
/** 43 base62 characters ≈ 256 bits of entropy (at least 190 bits are required). */
const SECRET_LENGTH = 43;
export const DISPLAY_PREFIX_LENGTH = KEY_PREFIX.length + 6;

/** A new secret: `cor_` + 43 base62 characters from the CSPRNG, without modulo bias. */
export function generateSecret(): string {
  let out = KEY_PREFIX;
  while (out.length < KEY_PREFIX.length + SECRET_LENGTH) {
    for (const byte of randomBytes(64)) {
      // 248 = 4 × 62: bytes at or above it would bias the distribution, so they are skipped.
      if (byte < 248 && out.length < KEY_PREFIX.length + SECRET_LENGTH) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function displayPrefix(secret: string): string {
  return secret.slice(0, DISPLAY_PREFIX_LENGTH);
}

/** Cheap shape check, so obviously malformed keys never reach the database. */
export function looksLikeSecret(value: string): boolean {
  return (
    value.length === KEY_PREFIX.length + SECRET_LENGTH &&
    value.startsWith(KEY_PREFIX) &&
    /^[0-9A-Za-z]+$/.test(value.slice(KEY_PREFIX.length))
  );
}

export function newId(): string {
  return randomUUID();
}

// A run of the characters a key, or a URL-encoded key, is written with: `%XX` escapes and `+` stay
// inside the run, so the tail of an encoded key is never left behind by a partial match.
const RUN = /[0-9A-Za-z%+_.~-]+/g;
const ESCAPE = /%([0-9A-Fa-f]{2})/g;
/** Decoding rounds: a key encoded more often than this is no longer read by anything as a key. */
const DECODE_ROUNDS = 4;

/** A run as a URL decoder reads it, however often encoded (`%5F`, `%5f`, `%255F`, `+`); bytes as Latin-1, enough to spot ASCII. */
function decodedRun(run: string): string {
  let text = run.replaceAll('+', ' ');
  for (let round = 0; round < DECODE_ROUNDS && text.includes('%'); round++) {
    const next = text.replace(ESCAPE, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    if (next === text) break;
    text = next;
  }
  return text;
}

/**
 * Text with everything that is, or decodes to, something shaped like a secret (`cor_` and what
 * follows it) replaced, for paths, messages and bodies that may carry one. A run that holds
 * `cor_` as written keeps what precedes it (`/rpc/cor_[redacted]`); a run that spells it only once
 * decoded (`cor%5F…`, `%63or_…`, `cor%255F…`) is replaced whole (`[redacted]`), so the result only
 * ever holds characters of the input and is safe inside a JSON string. The display prefix is not a
 * secret but goes too.
 */
export function redactSecrets(text: string): string {
  return text.replace(RUN, (run) => {
    if (!decodedRun(run).includes(KEY_PREFIX)) return run;
    const before = run.slice(0, Math.max(0, run.indexOf(KEY_PREFIX)));
    return run.includes(KEY_PREFIX) && !decodedRun(before).includes(KEY_PREFIX) ? `${before}${KEY_PREFIX}[redacted]` : '[redacted]';
  });
}

/** A JSON value with `redactSecrets` applied to every string in it, keys of objects included. */
export function redactSecretsIn(value: unknown): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (Array.isArray(value)) return value.map(redactSecretsIn);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redactSecrets(key), redactSecretsIn(item)]));
  }
  return value;
}
