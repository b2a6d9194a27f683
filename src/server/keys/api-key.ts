// API keys look like `lrs_<publicId>_<secret>`. The public id finds the row; only a salted
// SHA-256 of the secret is stored, and it is compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface NewKey {
  key: string;
  publicId: string;
  salt: string;
  hash: string;
}

const KEY_PATTERN = /^lrs_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/;

export function hashSecret(salt: string, secret: string): string {
  return createHash('sha256').update(salt).update(':').update(secret).digest('hex');
}

export function generateKey(): NewKey {
  const publicId = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  const salt = randomBytes(16).toString('hex');
  return { key: `lrs_${publicId}_${secret}`, publicId, salt, hash: hashSecret(salt, secret) };
}

export function parseKey(key: string): { publicId: string; secret: string } | null {
  const m = KEY_PATTERN.exec(key);
  return m ? { publicId: m[1], secret: m[2] } : null;
}

export function secretMatches(secret: string, salt: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(salt, secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The part of a key that is safe to print in logs and pages. */
export function keyHint(publicId: string): string {
  return `lrs_${publicId}_…`;
}
