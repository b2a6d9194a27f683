// Webhook URLs are often credentials themselves (a Slack incoming-webhook URL is the token that
// lets anyone post to the channel), so pages and API replies show them shortened: enough to tell
// channels apart, never enough to post to one.

/** "https://hooks.slack.com/services/T0/B0/XXXX1234" → "https://hooks.slack.com/services/…1234". */
export function redactWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '…';
  }
  const base = `${url.protocol}//${url.host}`;
  const segments = url.pathname.split('/').filter(Boolean);
  const rest = segments.slice(1).join('/') + url.search;
  // A short path with no query ("/hook", "/alerts/lrscope") carries no token worth hiding.
  if (rest.length === 0 || (segments.length <= 2 && url.search === '' && rest.length <= 12)) return `${base}${url.pathname}`;
  return `${base}/${segments[0] ?? ''}/…${rest.slice(-4)}`;
}
