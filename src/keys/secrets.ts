import { createHash, randomBytes, randomUUID } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const KEY_PREFIX = 'cor_';
/** 43 base62 characters ≈ 256 bits of entropy (the issue asks for ≥ 190). */
const SECRET_LENGTH = 43;
const DISPLAY_PREFIX_LENGTH = KEY_PREFIX.length + 6;

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

/**
 * Text with everything shaped like a secret (`cor_` and the characters of a key after it) replaced,
 * for paths and messages that may carry one. The display prefix is not a secret but goes too.
 */
export function redactSecrets(text: string): string {
  return text.replace(/cor_[0-9A-Za-z%]*/g, 'cor_[redacted]');
}
