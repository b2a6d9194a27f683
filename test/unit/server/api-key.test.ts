import { describe, expect, it } from 'vitest';
import { generateKey, hashSecret, keyHint, parseKey, secretMatches } from '@/server/keys/api-key';

describe('API keys', () => {
  it('generates distinct keys whose secret matches only its own salted hash', () => {
    const a = generateKey();
    const b = generateKey();
    expect(a.key).not.toBe(b.key);
    expect(a.salt).not.toBe(b.salt);
    const pa = parseKey(a.key)!;
    expect(pa.publicId).toBe(a.publicId);
    expect(secretMatches(pa.secret, a.salt, a.hash)).toBe(true);
    expect(secretMatches(pa.secret, b.salt, b.hash)).toBe(false);
    expect(secretMatches(parseKey(b.key)!.secret, a.salt, a.hash)).toBe(false);
  });

  it('never stores the secret: the hash depends on the salt', () => {
    const { key, salt, hash } = generateKey();
    const { secret } = parseKey(key)!;
    expect(hash).not.toContain(secret);
    expect(hashSecret(salt, secret)).toBe(hash);
    expect(hashSecret(`${salt}x`, secret)).not.toBe(hash);
  });

  it('rejects strings that are not keys', () => {
    for (const s of ['', 'lrs_', 'lrs_0123456789ab_short', 'xyz_0123456789ab_' + 'a'.repeat(32), `lrs_0123456789ab_${'a'.repeat(32)} `]) {
      expect(parseKey(s), s).toBeNull();
    }
    expect(parseKey(`lrs_0123456789ab_${'a'.repeat(32)}`)).toEqual({ publicId: '0123456789ab', secret: 'a'.repeat(32) });
  });

  it('a malformed stored hash never matches', () => {
    expect(secretMatches('a'.repeat(32), 'salt', 'beef')).toBe(false);
  });

  it('hints show the public id only', () => {
    expect(keyHint('0123456789ab')).toBe('lrs_0123456789ab_…');
  });
});
