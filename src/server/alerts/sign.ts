import { createHmac } from 'node:crypto';

/** The X-Lrscope-Signature value: sha256=<hex HMAC-SHA256 of the raw body>. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Tells secrets apart without giving any away: its last two characters, and only when it is
 * long enough (≥ 16) that two characters are a small part of it.
 */
export function secretHint(secret: string): string {
  return secret.length < 16 ? '••••' : `••••${secret.slice(-2)}`;
}
