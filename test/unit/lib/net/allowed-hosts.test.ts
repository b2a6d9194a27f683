import { describe, expect, it } from 'vitest';
import { hostAllowed, hostAllowlist, hostName, validHostEntry } from '@/lib/net/allowed-hosts';

describe('hostName', () => {
  it('takes the name from a Host header, lower case, without port or trailing dot', () => {
    expect(hostName('LOCALHOST:3000')).toBe('localhost');
    expect(hostName('[::1]:3000')).toBe('[::1]');
    expect(hostName('lrscope.example.com.')).toBe('lrscope.example.com');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
    for (const bad of [undefined, '', 'a b', 'x:99999999', 'user@host', 'host/path', '[::1', 'évil.test']) expect(hostName(bad), String(bad)).toBeNull();
  });
});

describe('hostAllowed', () => {
  const list = hostAllowlist(['lrscope.example.com', '*.corp.example', 'gpu-box:3000']);
  it('answers loopback names, IP literals and listed names', () => {
    for (const h of ['localhost', 'app.localhost', '127.0.0.1', '10.0.0.5', '[::1]', 'lrscope.example.com', 'a.corp.example', 'b.a.corp.example', 'gpu-box']) expect(hostAllowed(list, hostName(h)), h).toBe(true);
  });
  it('refuses every other name: what a DNS-rebinding page sends', () => {
    for (const h of ['rebind.attacker.test', 'corp.example', 'xcorp.example', 'localhost.attacker.test', 'lrscope.example.com.attacker.test', 'localhostx']) expect(hostAllowed(list, hostName(h)), h).toBe(false);
    expect(hostAllowed(list, null), 'no Host header').toBe(false);
  });
  it('"*" answers every name (the operator opts out)', () => {
    expect(hostAllowed(hostAllowlist(['*']), 'anything.test')).toBe(true);
  });
  it('recognises valid allowlist entries', () => {
    for (const e of ['example.com', '*.example.com', '*', 'gpu-box:3000', '[::1]']) expect(validHostEntry(e), e).toBe(true);
    for (const e of ['http://example.com', 'example.com/path', 'a b', '*.', 'ex*mple.com']) expect(validHostEntry(e), e).toBe(false);
  });
});
