import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackEscape, webhookBody } from '@/lib/alerts/webhook-body';
import { guardedFetch, refusal, WebhookRefusedError, webhookTargetPolicy } from '@/server/alerts/guarded-fetch';
import { secretHint } from '@/server/alerts/sign';

describe('Slack text', () => {
  it('escapes names a trainer chose, so they cannot mention @channel or fake a link', () => {
    expect(slackEscape('<!channel> & <https://evil.test|click me>')).toBe('&lt;!channel&gt; &amp; &lt;https://evil.test|click me&gt;');
    const body = webhookBody(
      'raised',
      { id: 1, kind: 'flagged', cause: 'stuck', causes: ['stuck'], message: 'LR <b>stuck</b>', step: 10, expected: 1e-3, actual: 5e-4 },
      { id: 7, name: '<!channel> run', project: '<@U123>' },
      'https://lrscope.example.com',
    );
    expect(body.text).toContain('Run &lt;!channel&gt; run (#7, &lt;@U123&gt;)');
    expect(body.text).toContain('LR &lt;b&gt;stuck&lt;/b&gt;');
    expect(body.text.endsWith('<https://lrscope.example.com/runs/7?step=10|Open run>')).toBe(true);
    expect(body.run.name, 'structured fields keep the name as it is').toBe('<!channel> run');
  });
});

describe('secret hints', () => {
  it('show nothing of a short secret and two characters of a long one', () => {
    expect(secretHint('eight-ch')).toBe('••••');
    expect(secretHint('fifteen-chars-x')).toBe('••••');
    expect(secretHint('sixteen-chars-xy')).toBe('••••xy');
  });
});

describe('guarded webhook requests', () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  const init = () => ({ method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(5000), redirect: 'manual' as const });
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits++;
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuse loopback however it is written, also by name, before any byte is sent', async () => {
    const strict = guardedFetch(webhookTargetPolicy([]));
    for (const url of [`http://127.0.0.1:${port}/`, `http://2130706433:${port}/`, `http://0x7f.1:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, `http://localhost:${port}/`, `http://[::1]:${port}/`]) {
      await expect(strict(url, init()), url).rejects.toThrow(WebhookRefusedError);
    }
    expect(hits).toBe(0);
  });

  it('reach what the allowlist names, by address, range or host name; a pooled connection cannot skip the check', async () => {
    for (const entries of [['127.0.0.1'], ['127.0.0.0/8'], ['localhost']]) {
      const r = await guardedFetch(webhookTargetPolicy(entries))(`http://localhost:${port}/`, init());
      expect(r.status, entries.join()).toBe(204);
    }
    // Right after an allowed request to the same host and port, a strict sender still refuses.
    await expect(guardedFetch(webhookTargetPolicy([]))(`http://localhost:${port}/`, init())).rejects.toThrow(/loopback/);
    expect(refusal(webhookTargetPolicy(['10.0.0.0/8']), '10.9.8.7')).toBeNull();
    expect(refusal(webhookTargetPolicy(['10.0.0.0/8']), '192.168.0.1')).toMatch(/private/);
    expect(refusal(webhookTargetPolicy([]), '93.184.216.34')).toBeNull();
  });
});
