// Concurrent ingest clients with distinctive step ranges per batch, and the check that after a
// fault every acknowledged batch is stored whole, none twice, none half-written (faults tests).
import { expect } from 'vitest';
import { sql } from './raw-db';
import type { TestServer } from './server';
import { data, query } from './trpc-http';

export interface Batch {
  runId: number;
  from: number;
  size: number;
  lr: number;
  /**
   * acked: HTTP 200. rejected: a 4xx, which promises nothing was stored. failed: a 5xx, which may
   * come after the commit (the connection died before the reply), so the batch is all or nothing
   * and the client's retry is idempotent. unknown: no reply at all (killed mid-request).
   */
  outcome: 'acked' | 'rejected' | 'failed' | 'unknown';
  /** The error message of a 5xx reply, or why there was no reply. */
  message?: string;
}

function errorMessage(text: string): string {
  try {
    return JSON.parse(text).error?.message ?? text;
  } catch {
    return text;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Steps of one batch: a range of its own (client c, batch b), in shuffled order half the time. */
export function batchPoints(b: Batch, rnd: () => number) {
  const pts = Array.from({ length: b.size }, (_, i) => ({ step: b.from + i, lr: b.lr, loss: b.lr * 2 }));
  if (rnd() < 0.5) pts.reverse();
  return pts;
}

function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** Clients post until `stop()` and report every batch they tried. */
export function startClients(server: TestServer, key: string, runIds: number[], clients: number, round: number, batches: Batch[]) {
  let stopped = false;
  const loops = Array.from({ length: clients }, async (_, c) => {
    const rnd = rng(1000 * round + c + 1);
    for (let b = 0; !stopped; b++) {
      const size = 1 + Math.floor(rnd() * 1500);
      // Client c of round r owns steps [(r*16 + c) * 10^7, ...): batch ranges never overlap.
      const batch: Batch = { runId: runIds[c % runIds.length], from: (round * 16 + c) * 10_000_000 + b * 2_000, size, lr: (round * 100_000 + c * 10_000 + b + 1) / 1e7, outcome: 'unknown' };
      batches.push(batch);
      try {
        const res = await fetch(`${server.url}/api/trpc/runs.log`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ runId: batch.runId, points: batchPoints(batch, rnd) }),
          signal: AbortSignal.timeout(20_000),
        });
        const text = await res.text();
        batch.outcome = res.status === 200 ? 'acked' : res.status < 500 ? 'rejected' : 'failed';
        if (batch.outcome === 'failed') batch.message = errorMessage(text);
      } catch (err) {
        batch.outcome = 'unknown';
        batch.message = String((err as Error).cause ?? err);
        await sleep(20);
      }
    }
  });
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** How many points of the batch are stored, and whether they are exactly its points. */
export async function storedOf(server: TestServer, b: Batch): Promise<number> {
  const s = data<any>(await query(server.url, 'runs.series', { runId: b.runId, metric: 'lr', maxPoints: 10_000, fromStep: b.from, toStep: b.from + 1_999 }));
  expect(s.bucket).toBe(1);
  for (const p of s.points) {
    expect(p.step).toBeLessThan(b.from + b.size);
    expect(p.value, `step ${p.step} carries its batch's lr`).toBe(b.lr);
  }
  return s.points.length;
}

export async function verify(server: TestServer, runIds: number[], batches: Batch[]) {
  const present = new Map<number, number>(runIds.map((id) => [id, 0]));
  let unknownPresent = 0;
  for (const b of batches) {
    const n = await storedOf(server, b);
    if (b.outcome === 'acked') expect(n, `acknowledged batch at ${b.from} (${b.size} points)`).toBe(b.size);
    else if (b.outcome === 'rejected') expect(n, `rejected batch at ${b.from}`).toBe(0);
    else {
      expect([0, b.size], `batch at ${b.from} (${b.outcome}): all or nothing`).toContain(n);
      if (n) unknownPresent++;
    }
    present.set(b.runId, present.get(b.runId)! + n);
  }
  // None twice and nothing stray: the rows in the table, the run's counter and the batches agree.
  const rows = await sql<{ runId: number; n: number | string }>(server.databaseUrl, `SELECT "runId", COUNT(*) AS n FROM "Point" GROUP BY "runId"`);
  for (const id of runIds) {
    const inTable = Number(rows.find((r) => Number(r.runId) === id)?.n ?? 0);
    expect(inTable, `rows of run ${id}`).toBe(present.get(id));
    const run = data<any>(await query(server.url, 'runs.get', { id })).run;
    expect(run.pointCount, `pointCount of run ${id}`).toBe(present.get(id));
  }
  return { unknownPresent };
}

