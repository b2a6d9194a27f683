import { redactWebhookUrl } from '@/lib/alerts/redact-webhook-url';
import type { AlertSettings } from './deps';

/** The zero-config channel every project sends to, as pages may show it. */
export function defaultChannel(settings: AlertSettings): { url: string } | null {
  return settings.webhookUrl ? { url: redactWebhookUrl(settings.webhookUrl) } : null;
}
