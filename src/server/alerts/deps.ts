import type { Db } from '../db/open-database';
import type { WebhookFetch } from './guarded-fetch';

export interface AlertSettings {
  /** Zero-config channel for every project (LRSCOPE_WEBHOOK_URL / LRSCOPE_WEBHOOK_SECRET). */
  webhookUrl?: string;
  webhookSecret?: string;
  /** Base of the links in notifications (LRSCOPE_PUBLIC_URL). */
  publicUrl: string;
}

/** What the alert use cases need; the clock and fetch are injectable for tests. */
export interface AlertDeps {
  db: Db;
  settings: AlertSettings;
  now: () => Date;
  fetch: WebhookFetch;
}
