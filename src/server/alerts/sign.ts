import { createHmac } from 'node:crypto';

/** The X-Lrscope-Signature value: sha256=<hex HMAC-SHA256 of the raw body>. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Shows a secret's first four characters only. */
export function secretHint(secret: string): string {
  return secret.length <= 4 ? '••••' : `${secret.slice(0, 4)}••••`;
}
