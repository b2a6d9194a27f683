// Webhook delivery state in words for badges: colour plus text, never colour alone. Pure.

export type DeliveryTone = 'ok' | 'bad' | 'warn' | 'pending';

export interface DeliveryFacts {
  event: string;
  state: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

export interface DeliveryWords {
  tone: DeliveryTone;
  label: string;
  /** What the receiver answered, for a tooltip or a detail line. */
  detail: string;
}

function answer(d: DeliveryFacts): string {
  if (d.lastError && d.lastStatus === null) return d.lastError;
  return d.lastStatus === null ? 'no answer yet' : `HTTP ${d.lastStatus}`;
}

const tries = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`;

export function deliveryWords(d: DeliveryFacts): DeliveryWords {
  if (d.state === 'delivered') return { tone: 'ok', label: 'delivered', detail: `${answer(d)} after ${tries(d.attempts)}` };
  if (d.state === 'failed') return { tone: 'bad', label: 'failed', detail: `${answer(d)}; gave up after ${tries(d.attempts)}` };
  if (d.attempts > 0) return { tone: 'warn', label: 'retrying', detail: `${answer(d)} on ${tries(d.attempts)}; trying again` };
  return { tone: 'pending', label: 'sending', detail: 'queued' };
}

/** Whether a delivery may still change (the page keeps watching it). */
export function inFlight(d: { state: string }): boolean {
  return d.state === 'pending' || d.state === 'sending';
}

const WORST: DeliveryTone[] = ['bad', 'warn', 'pending', 'ok'];
const EVENT_WORD: Record<string, string> = { raised: 'Raise', resolved: 'Resolve', test: 'Test' };

/** One badge per event of an alert ("Raise: delivered", "Resolve: 1 of 2 failed"), worst channel first. */
export function summarizeDeliveries(ds: DeliveryFacts[]): (DeliveryWords & { event: string })[] {
  const byEvent = new Map<string, DeliveryFacts[]>();
  for (const d of ds) byEvent.set(d.event, [...(byEvent.get(d.event) ?? []), d]);
  return [...byEvent].map(([event, list]) => {
    const words = list.map(deliveryWords);
    const worst = words.reduce((w, x) => (WORST.indexOf(x.tone) < WORST.indexOf(w.tone) ? x : w));
    const same = words.filter((w) => w.label === worst.label).length;
    const count = list.length === 1 || same === list.length ? worst.label : `${same} of ${list.length} ${worst.label}`;
    return { event, tone: worst.tone, label: `${EVENT_WORD[event] ?? event}: ${count}`, detail: words.map((w) => `${w.label} (${w.detail})`).join('; ') };
  });
}
