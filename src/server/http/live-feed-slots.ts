// Caps on open live feeds (SSE streams), per client address and in total: each holds a
// connection, a bus listener and a share of every change's fan-out. A slot is taken when the
// stream's request arrives and given back when its connection closes, whatever ended it.
import type http from 'node:http';

export interface FeedLimits {
  total: number;
  perClient: number;
}

export interface LiveFeedSlots {
  /** Takes a slot for the response's lifetime; else says which cap is reached. */
  take(client: string, res: http.ServerResponse): string | null;
  open(): number;
}

export function createLiveFeedSlots(limits: FeedLimits): LiveFeedSlots {
  const perClient = new Map<string, number>();
  let total = 0;
  return {
    take(client, res) {
      const mine = perClient.get(client) ?? 0;
      if (total >= limits.total) return `this server has ${limits.total} live feeds open, its limit (LRSCOPE_LIVE_FEEDS_MAX); try again later`;
      if (mine >= limits.perClient) return `this address has ${limits.perClient} live feeds open, the limit per client (LRSCOPE_LIVE_FEEDS_PER_CLIENT); close some pages`;
      total++;
      perClient.set(client, mine + 1);
      res.once('close', () => {
        total--;
        const left = (perClient.get(client) ?? 1) - 1;
        if (left > 0) perClient.set(client, left);
        else perClient.delete(client);
      });
      return null;
    },
    open: () => total,
  };
}
