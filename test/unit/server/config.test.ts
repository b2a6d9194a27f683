import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DATABASE_URL, loadConfig, redactUrl } from '@/server/config';

describe('loadConfig', () => {
  it('defaults to port 3000 on loopback and a SQLite file under ./data', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c).toEqual({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: DEFAULT_DATABASE_URL,
      provider: 'sqlite',
      sqlitePath: path.resolve('/srv/app/data/lrscope.db'),
      publicUrl: 'http://127.0.0.1:3000',
      webhookUrl: undefined,
      webhookSecret: undefined,
      stallSweepMs: 15_000,
      dashboardToken: undefined,
      rateLimits: { requestsPerSecond: 200, pointsPerSecond: 1_000_000, burstSeconds: 2 },
      allowedHosts: [],
      webhookAllowedTargets: [],
      liveFeeds: { total: 1000, perClient: 100 },
      readRequestsPerSecond: 200,
      requestTimeoutMs: 60_000,
    });
  });

  it('reads the hardening settings and refuses entries that are not hosts or networks, naming the variable', () => {
    const c = loadConfig({ LRSCOPE_ALLOWED_HOSTS: 'lrscope.example.com, *.corp.example, gpu-box:3000', LRSCOPE_WEBHOOK_ALLOWED_TARGETS: '10.0.0.0/8,127.0.0.1, hooks.internal', LRSCOPE_LIVE_FEEDS_MAX: '50', LRSCOPE_LIVE_FEEDS_PER_CLIENT: '5', LRSCOPE_READ_RATE_LIMIT_RPS: '20' });
    expect(c.allowedHosts).toEqual(['lrscope.example.com', '*.corp.example', 'gpu-box:3000']);
    expect(c.webhookAllowedTargets).toEqual(['10.0.0.0/8', '127.0.0.1', 'hooks.internal']);
    expect(c.liveFeeds).toEqual({ total: 50, perClient: 5 });
    expect(c.readRequestsPerSecond).toBe(20);
    expect(() => loadConfig({ LRSCOPE_ALLOWED_HOSTS: 'http://x.example/' })).toThrow(/LRSCOPE_ALLOWED_HOSTS: must be a comma-separated list of host names.*"http:\/\/x\.example\/"/);
    expect(() => loadConfig({ LRSCOPE_WEBHOOK_ALLOWED_TARGETS: '10.0.0.0/33' })).toThrow(/LRSCOPE_WEBHOOK_ALLOWED_TARGETS: must be a comma-separated list of addresses/);
    expect(() => loadConfig({ LRSCOPE_LIVE_FEEDS_MAX: '0' })).toThrow(/LRSCOPE_LIVE_FEEDS_MAX: must be a positive number/);
  });

  it('reads the alert settings, and wants a secret with a webhook URL', () => {
    const c = loadConfig({ LRSCOPE_WEBHOOK_URL: 'https://hooks.example.com/x', LRSCOPE_WEBHOOK_SECRET: 'longenough', LRSCOPE_PUBLIC_URL: 'https://lr.example.com/', LRSCOPE_STALL_SWEEP_SECONDS: '0.5' });
    expect(c).toMatchObject({ webhookUrl: 'https://hooks.example.com/x', webhookSecret: 'longenough', publicUrl: 'https://lr.example.com', stallSweepMs: 500 });
    expect(() => loadConfig({ LRSCOPE_WEBHOOK_URL: 'https://hooks.example.com/x' })).toThrow('LRSCOPE_WEBHOOK_SECRET: required with LRSCOPE_WEBHOOK_URL');
    expect(() => loadConfig({ LRSCOPE_WEBHOOK_URL: 'ftp://x' , LRSCOPE_WEBHOOK_SECRET: 'longenough'})).toThrow('LRSCOPE_WEBHOOK_URL: must be an http(s) URL');
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
  });

  it('selects PostgreSQL from a postgres URL', () => {
    const c = loadConfig({ DATABASE_URL: 'postgresql://u:p@db:5432/lrscope', PORT: '8080', HOST: '0.0.0.0' });
    expect(c).toMatchObject({ provider: 'postgres', port: 8080, host: '0.0.0.0' });
    expect(c.sqlitePath).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x' }).provider).toBe('postgres');
  });

  it('collects every problem in one error', () => {
    try {
      loadConfig({ PORT: '70000', DATABASE_URL: 'redis://x' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        'PORT: must be an integer from 0 to 65535, got "70000"',
        'DATABASE_URL: must be a file: URL (SQLite, e.g. file:./data/lrscope.db) or a postgresql:// URL, got "redis://x"',
      ]);
    }
  });

  it('rejects a file: URL without a path', () => {
    expect(() => loadConfig({ DATABASE_URL: 'file:' })).toThrow('file: URL has no path');
  });

  it('redacts passwords in URLs it prints', () => {
    expect(redactUrl('postgresql://lr:s3cret@db:5432/x')).toBe('postgresql://lr:***@db:5432/x');
    expect(redactUrl('file:./data/x.db')).toBe('file:./data/x.db');
  });
});
