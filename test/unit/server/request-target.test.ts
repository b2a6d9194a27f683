import { describe, expect, it } from 'vitest';
import { BadTargetError, requestTarget } from '@/server/http/request-target';

describe('requestTarget', () => {
  it('resolves dot segments, so a check and the page router read the same path', () => {
    expect(requestTarget('/_next/static/../../alerts').pathname).toBe('/alerts');
    expect(requestTarget('/_next/static/%2e%2e/%2E%2E/alerts').pathname).toBe('/alerts');
    expect(requestTarget('/_next/static/..\\..\\alerts').pathname, 'a raw backslash is a slash, as browsers read it').toBe('/alerts');
    expect(requestTarget('/runs/./5?x=1')).toMatchObject({ pathname: '/runs/5', search: '?x=1', procedures: null });
  });

  it('names the procedures of a tRPC path, batches included', () => {
    expect(requestTarget('/api/trpc/runs.list,alerts.count?batch=1').procedures).toEqual(['runs.list', 'alerts.count']);
    expect(requestTarget('/api/trpc/runs%2Elist').procedures).toEqual(['runs.list']);
  });

  it('refuses malformed escapes, encoded slashes and backslashes, NULs and absolute forms', () => {
    for (const bad of ['/api/trpc/%E0', '/api/trpc/%', '/x%ZZ', '/_next/static/..%2F..%2Falerts', '/_next/static/..%5C..%5Calerts', '/a%00b', '/?q=%E0', 'http://evil.test/alerts', '*']) {
      expect(() => requestTarget(bad), bad).toThrow(BadTargetError);
    }
  });
});
