import { describe, expect, it } from 'vitest';
import { redactWebhookUrl } from '@/lib/alerts/redact-webhook-url';

describe('redactWebhookUrl', () => {
  it('hides the token of a Slack incoming-webhook URL but keeps its last four characters', () => {
    const shown = redactWebhookUrl('https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXabcd');
    expect(shown).toBe('https://hooks.slack.com/services/…abcd');
    expect(shown).not.toContain('T00000000');
  });

  it('hides query-string tokens', () => {
    expect(redactWebhookUrl('https://example.com/hook?token=supersecretvalue1')).toBe('https://example.com/hook/…lue1');
  });

  it('keeps a short path that carries no token', () => {
    expect(redactWebhookUrl('http://127.0.0.1:8080/hook')).toBe('http://127.0.0.1:8080/hook');
    expect(redactWebhookUrl('https://ops.example.com/alerts/lrscope')).toBe('https://ops.example.com/alerts/lrscope');
    expect(redactWebhookUrl('https://ops.example.com')).toBe('https://ops.example.com/');
  });

  it('never echoes what it cannot parse', () => {
    expect(redactWebhookUrl('not a url with secret')).toBe('…');
  });
});
