import type { AlertDeps } from './deps';
import { WebhookRefusedError } from './guarded-fetch';

export const MAX_ATTEMPTS = 6;
const TIMEOUT_MS = 5_000;
const LEASE_MS = 30_000;

/** Delay before attempt n+1: 1 s, 2 s, 4 s, ... capped at 5 min, with jitter so receivers are not hit in lockstep. */
export function backoffMs(attempts: number, random = Math.random): number {
  return Math.min(300_000, 1000 * 2 ** (attempts - 1)) * (0.75 + 0.5 * random());
}

export interface DeliveryOutcome {
  sent: number;
  retrying: number;
  failed: number;
}

/**
 * Sends the deliveries that are due. Each is claimed with a conditional update (a lease), so
 * with several instances exactly one sends it; a crash mid-send releases it when the lease ends.
 * A receiver that failed is not tried again in the same pass: its other deliveries wait for the
 * next one, so a dead receiver costs one request (and at most one timeout) per pass, not one per
 * queued alert, and cannot hold up the channels that work.
 */
export async function deliverDue(deps: AlertDeps, limit = 20): Promise<DeliveryOutcome> {
  const { prisma } = deps.db;
  const now = deps.now();
  const outcome: DeliveryOutcome = { sent: 0, retrying: 0, failed: 0 };
  await prisma.alertDelivery.updateMany({ where: { state: 'sending', lockedUntil: { lt: now } }, data: { state: 'pending' } });
  const due = await prisma.alertDelivery.findMany({
    where: { state: 'pending', nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: 'asc' },
    take: limit,
    select: { id: true, url: true, body: true, signature: true, attempts: true, event: true, alert: { select: { id: true, runId: true } } },
  });
  const failing = new Set<string>();
  for (const d of due) {
    if (failing.has(d.url)) continue;
    const claimed = await prisma.alertDelivery.updateMany({
      where: { id: d.id, state: 'pending' },
      data: { state: 'sending', lockedUntil: new Date(now.getTime() + LEASE_MS) },
    });
    if (claimed.count === 0) continue;
    const attempts = d.attempts + 1;
    let status: number | null = null;
    let error: string | null = null;
    let refused = false;
    try {
      const res = await deps.fetch(d.url, {
        method: 'POST',
        // X-Lrscope-Delivery is stable across retries: a server killed after the receiver
        // got a notification but before recording it sends it again when the lease ends
        // (at least once, never lost), and receivers that care drop the repeat by this id.
        headers: { 'content-type': 'application/json', 'x-lrscope-signature': d.signature, 'x-lrscope-event': d.event, 'x-lrscope-delivery': String(d.id), 'user-agent': 'lrscope-webhook/1' },
        body: d.body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'manual',
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      // A refused target is a setting to fix, not a receiver that may come back.
      refused = err instanceof WebhookRefusedError;
      error = (err as Error).name === 'TimeoutError' ? `timed out after ${TIMEOUT_MS / 1000} s` : (err as Error).message;
    }
    const done = status !== null && status >= 200 && status < 300;
    // 4xx other than 408/429 will not get better by retrying.
    const permanent = refused || (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429);
    const finalState = done ? 'delivered' : permanent || attempts >= MAX_ATTEMPTS ? 'failed' : 'pending';
    await prisma.alertDelivery.update({
      where: { id: d.id },
      data: {
        state: finalState,
        attempts,
        lastStatus: status,
        lastError: done ? null : (error ?? `HTTP ${status}`),
        lockedUntil: null,
        deliveredAt: done ? deps.now() : null,
        nextAttemptAt: finalState === 'pending' ? new Date(deps.now().getTime() + backoffMs(attempts)) : undefined,
      },
    });
    // The alerts page shows each alert's delivery state.
    if (d.alert) deps.db.live.publish({ type: 'alert', alertId: d.alert.id, runId: d.alert.runId });
    if (!done) failing.add(d.url);
    if (done) outcome.sent++;
    else if (finalState === 'pending') outcome.retrying++;
    else outcome.failed++;
  }
  return outcome;
}
