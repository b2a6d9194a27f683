// The alerting loop of one server instance: a sweep (stalled runs, alerts out of step with their
// runs, raises the quiet period held back, projects' retention, deletes left half done) and a
// delivery pass on timers, plus a nudge after every change so notifications leave at once
// rather than on the next tick.
import type { Db } from '../db/open-database';
import { applyRetention } from '../runs/apply-retention';
import { resumeDeletes } from '../runs/delete-run';
import { deliverDue } from './deliver-due';
import type { AlertDeps, AlertSettings } from './deps';
import { guardedFetch, webhookTargetPolicy, type WebhookFetch } from './guarded-fetch';
import { notifyQuietedAlerts } from './notify-quieted-alerts';
import { reconcileAlerts } from './reconcile-alerts';
import { sweepStalledRuns } from './sweep-stalled-runs';
import { type BatchHints, syncRunAlerts } from './sync-run-alerts';

export interface Alerting {
  deps: AlertDeps;
  /** After a run changed: raise or resolve its alerts, then send what that queued. */
  syncRun(runId: number, hints?: BatchHints): Promise<void>;
  /** Sends whatever is due now rather than on the next tick. */
  nudge(): void;
  /** Sweeps now rather than on the next tick (a retention policy was just set). */
  nudgeSweep(): void;
  start(): void;
  stop(): Promise<void>;
}

export interface AlertingOptions {
  settings: AlertSettings;
  now?: () => Date;
  /** Defaults to guarded requests that refuse private and loopback targets. */
  fetch?: WebhookFetch;
  sweepMs?: number;
  deliverMs?: number;
  log?: (line: string) => void;
}

export function createAlerting(db: Db, opts: AlertingOptions): Alerting {
  const deps: AlertDeps = { db, settings: opts.settings, now: opts.now ?? (() => new Date()), fetch: opts.fetch ?? guardedFetch(webhookTargetPolicy([])) };
  const log = opts.log ?? ((l) => console.error(l));
  const timers: NodeJS.Timeout[] = [];
  let upSince: Date | undefined;
  let delivering: Promise<unknown> | null = null;
  let again = false;
  let sweeping: Promise<void> | null = null;

  // One delivery pass at a time per instance; a nudge during a pass runs one more after it.
  const deliver = () => {
    if (delivering) {
      again = true;
      return delivering;
    }
    delivering = deliverDue(deps)
      .catch((err) => log(`lrscope: webhook delivery pass failed: ${(err as Error).message}`))
      .finally(() => {
        delivering = null;
        if (again) {
          again = false;
          void deliver();
        }
      });
    return delivering;
  };

  // One sweep at a time: a slow database must not stack them up.
  const sweep = () => {
    sweeping ??= (async () => {
      try {
        const changed = [...(await sweepStalledRuns(deps, upSince)), ...(await reconcileAlerts(deps)), ...(await notifyQuietedAlerts(deps))];
        // Retention and unfinished deletes ride on the same timer: one background loop per instance.
        await applyRetention(deps);
        await resumeDeletes(deps.db, deps.now());
        if (changed.length > 0) await deliver();
      } catch (err) {
        log(`lrscope: alert sweep failed: ${(err as Error).message}`);
      } finally {
        sweeping = null;
      }
    })();
    return sweeping;
  };

  return {
    deps,
    async syncRun(runId, hints) {
      // Only a raise or resolve queues notifications. This runs after every batch, and a
      // delivery pass costs two Prisma queries (~1 ms) even when nothing is due; the timer
      // still runs one every deliverMs.
      if (await syncRunAlerts(deps, runId, hints)) void deliver();
    },
    nudge: () => void deliver(),
    nudgeSweep: () => void sweep(),
    start() {
      upSince = deps.now();
      timers.push(
        setInterval(() => void sweep(), opts.sweepMs ?? 15_000),
        setInterval(() => void deliver(), opts.deliverMs ?? 1_000),
      );
      for (const t of timers) t.unref();
      // Catch up at once on what happened while no instance was running.
      void sweep();
      void deliver();
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      await sweeping;
      await delivering;
    },
  };
}
