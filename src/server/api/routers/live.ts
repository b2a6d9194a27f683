// Live pages: tRPC subscriptions over SSE. Each item is tracked(id, data); on reconnect the
// client sends the last id as input.lastEventId and the feed resumes from it (see the feeds in
// server/live/ for what the ids mean).
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { alertsFeed } from '../../live/alerts-feed';
import { runFeed } from '../../live/run-feed';
import { runsFeed } from '../../live/runs-feed';
import * as input from '../inputs';
import { publicProcedure, router } from '../trpc';

const lastEventId = z.string().max(100).nullish();

export const liveRouter = router({
  /** One run's new points (ids: batch numbers) and summary changes. */
  run: publicProcedure.input(z.object({ runId: input.runId, lastEventId })).subscription(async function* ({ ctx, input, signal }) {
    // Pages at the same place get the same points array and run summary (shared reads): their
    // JSON is made once for all of them.
    for await (const { id, event } of runFeed(ctx.db, input.runId, input.lastEventId, signal)) {
      yield tracked(String(id), event.kind === 'points' ? { ...event, points: ctx.shareJson(event.points), ...(event.run && { run: ctx.shareJson(event.run) }) } : { ...event, run: ctx.shareJson(event.run) });
    }
  }),

  /** Every run's summary as it changes (ids: "<journal>.<seq>"). */
  runs: publicProcedure.input(z.object({ lastEventId }).optional()).subscription(async function* ({ ctx, input, signal }) {
    for await (const { id, event } of runsFeed(ctx.db, input?.lastEventId, signal)) yield tracked(id, event);
  }),

  /** A nudge when alerts change. */
  alerts: publicProcedure.input(z.object({ lastEventId }).optional()).subscription(async function* ({ ctx, input, signal }) {
    for await (const { id, event } of alertsFeed(ctx.db, input?.lastEventId, signal)) yield tracked(id, event);
  }),
});
