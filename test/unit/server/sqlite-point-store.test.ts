// The SQLite point store's ingest path against a real (temporary) database: multi-row inserts,
// re-sent and overlapping batches, the admission check inside the batch's transaction, and the
// run, key, verdict and alert reads the per-batch path makes without Prisma.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@/server/db/open-database';
import type { PointInput } from '@/server/db/point-store';
import { coverRange, ROLLUP_SIZES } from '@/server/db/rollup';
import { generateKey } from '@/server/keys/api-key';
import { authenticate } from '@/server/keys/authenticate';
import { openTempDb } from '../../helpers/temp-db';

let db: Db;
let projectId: number;
let runId: number;
const now = new Date('2026-11-24T12:00:00Z');

beforeEach(async () => {
  db = await openTempDb();
  projectId = (await db.prisma.project.create({ data: { name: 'p' } })).id;
  runId = (await db.prisma.run.create({ data: { projectId, name: 'r', startedAt: now, lastSeenAt: now } })).id;
});
afterEach(() => db.close());

const range = (from: number, to: number, extra: (step: number) => Partial<PointInput> = () => ({})): PointInput[] =>
  Array.from({ length: to - from }, (_, i) => ({ step: from + i, lr: 0.1, loss: (from + i) % 7, ...extra(from + i) }));

async function storedSteps() {
  return (await db.points.lrPoints(runId)).map((p) => p.step);
}

describe('logPoints', () => {
  it('stores batches of any size, across the multi-row statements, with each batch numbered', async () => {
    let next = 0;
    for (const size of [1, 99, 100, 101, 250, 1000]) {
      const r = await db.points.logPoints(runId, range(next, next + size), now);
      expect(r).toMatchObject({ accepted: size, duplicates: 0 });
      next += size;
    }
    expect(await storedSteps()).toEqual(Array.from({ length: next }, (_, i) => i));
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ pointCount: next, batchSeq: 6, lastStep: next - 1 });
  });

  it('a re-sent or overlapping batch keeps the stored points and counts only the new ones', async () => {
    await db.points.logPoints(runId, range(0, 150, () => ({ metrics: { acc: 1 } })), now);
    const again = await db.points.logPoints(runId, range(0, 150, () => ({ lr: 9, metrics: { acc: 9 } })), now);
    expect(again).toMatchObject({ accepted: 0, duplicates: 150 });
    const overlap = range(120, 330, () => ({ lr: 0.2, metrics: { acc: 2 } })).reverse();
    expect(await db.points.logPoints(runId, overlap, now)).toMatchObject({ accepted: 180, duplicates: 30, batch: 3 });
    const points = await db.points.lrPoints(runId);
    expect(points.map((p) => p.step)).toEqual(Array.from({ length: 330 }, (_, i) => i));
    expect(points.filter((p) => p.lr === 0.1).map((p) => p.batch)).toEqual(Array(150).fill(1));
    const acc = await db.points.metricSeries(runId, 'acc', { from: 0, to: 1000 }, 1);
    expect(acc.filter((b) => b.value === 2).map((b) => b.step)).toEqual(Array.from({ length: 180 }, (_, i) => 150 + i));
    expect(await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ pointCount: 330, lastStep: 329, lastLr: 0.2 });
  });

  it('adds metrics logged later for stored steps to the values and the pyramid, once, and names them on the run', async () => {
    await db.points.logPoints(runId, range(0, 200, (s) => ({ metrics: { acc: s } })), now);
    const late = await db.points.logPoints(runId, [{ step: 70, lr: 9, metrics: { val: 0.5, acc: -1 } }, { step: 10, metrics: { val: 0.25 } }, { step: 250, lr: 0.1, metrics: { val: 1 } }], now);
    expect(late).toMatchObject({ accepted: 1, duplicates: 2, lateMetrics: 2 });
    expect(await db.points.logPoints(runId, [{ step: 70, metrics: { val: 7 } }], now)).toMatchObject({ accepted: 0, duplicates: 1, lateMetrics: 0 });
    const val = await db.points.metricSeries(runId, 'val', { from: 0, to: 1000 }, 1);
    expect(val.map((b) => [b.step, b.value])).toEqual([
      [10, 0.25],
      [70, 0.5],
      [250, 1],
    ]);
    expect((await db.points.metricSeries(runId, 'acc', { from: 70, to: 70 }, 1))[0].value).toBe(70);
    expect((await db.points.lrPoints(runId)).find((p) => p.step === 70)!.lr).toBe(0.1);
    const parts = await db.points.rollupParts(runId, 'val', coverRange(0, 300_000, 2));
    expect(parts.reduce((n, p) => n + p.count, 0)).toBe(3);
    expect(parts.reduce((n, p) => n + p.sum, 0)).toBe(1.75);
    const accParts = await db.points.rollupParts(runId, 'acc', coverRange(0, 300_000, 2));
    expect(Math.min(...accParts.map((p) => p.min)), 'the ignored acc of -1 is not counted').toBe(0);
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.metricNames).toEqual(['acc', 'val']);
    expect(run.pointCount).toBe(201);
  });

  it('keeps the first of two points with one step in a batch', async () => {
    const r = await db.points.logPoints(runId, [...range(0, 100), { step: 5, lr: 7 }, { step: 100, lr: 0.3 }, { step: 100, lr: 8 }], now);
    expect(r).toMatchObject({ accepted: 101, duplicates: 2 });
    const points = await db.points.lrPoints(runId);
    expect(points.find((p) => p.step === 5)!.lr).toBe(0.1);
    expect(points.find((p) => p.step === 100)!.lr).toBe(0.3);
  });

  it('rollups count every stored point once, whatever the batches and their order', async () => {
    const steps = [...range(0, 700), ...range(3000, 3100)];
    // Out of order, overlapping, with a re-sent tail.
    await db.points.logPoints(runId, steps.slice(400, 800).reverse(), now);
    await db.points.logPoints(runId, steps.slice(0, 450), now);
    await db.points.logPoints(runId, steps.slice(700), now);
    for (let k = 0; k < ROLLUP_SIZES.length; k++) {
      const parts = await db.points.rollupParts(runId, 'loss', coverRange(0, 300_000, k));
      expect(parts.reduce((n, p) => n + p.count, 0), `size ${ROLLUP_SIZES[k]}`).toBe(steps.length);
      expect(parts.reduce((n, p) => n + p.sum, 0)).toBeCloseTo(steps.reduce((n, p) => n + p.loss!, 0), 6);
      expect(Math.max(...parts.map((p) => p.max))).toBe(6);
    }
  });

  it('a batch its admission check rejects stores nothing and takes no batch number', async () => {
    await db.points.logPoints(runId, range(0, 10), now);
    const seen: unknown[] = [];
    const refuse = (run: unknown) => {
      seen.push(run);
      throw new Error('refused');
    };
    await expect(db.points.logPoints(runId, range(10, 300, () => ({ metrics: { acc: 1 } })), now, refuse)).rejects.toThrow('refused');
    expect(seen).toEqual([{ projectId, pointCount: 10, metricNames: null }]);
    expect(await storedSteps()).toHaveLength(10);
    expect(await db.points.metricSeries(runId, 'acc', { from: 0, to: 1000 }, 1)).toEqual([]);
    expect(await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ pointCount: 10, batchSeq: 1, metricNames: null });
    const missing: unknown[] = [];
    await expect(db.points.logPoints(999, range(0, 1), now, (run) => void missing.push(run))).rejects.toThrow(/vanished/);
    expect(missing).toEqual([undefined]);
  });
});

describe('the per-batch reads and writes', () => {
  it('reads a key with its project, and sees a revocation at once', async () => {
    const k = generateKey();
    const { id } = await db.prisma.apiKey.create({ data: { projectId, publicId: k.publicId, salt: k.salt, hash: k.hash } });
    expect(await authenticate(db, `Bearer ${k.key}`)).toEqual({ projectId, projectName: 'p', keyId: id });
    expect(await authenticate(db, `Bearer ${k.key.slice(0, -1)}${k.key.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    await db.prisma.apiKey.update({ where: { id }, data: { revokedAt: now } });
    expect(await authenticate(db, `Bearer ${k.key}`)).toBeNull();
  });

  it('verdict inputs and saved verdicts round-trip with what Prisma reads', async () => {
    const schedule = { name: 'StepLR', params: { step_size: 10 }, interval: 'epoch', baseLr: 0.1 };
    await db.prisma.run.update({ where: { id: runId }, data: { schedule, stepsPerEpoch: 5, config: { epochs: 3 }, lastStep: 12 } });
    expect(await db.points.verdictInputs(runId)).toEqual({ schedule, stepsPerEpoch: 5, cadence: null, optimizers: null, config: { epochs: 3 }, lastStep: 12, verdict: null, expectedLr: null });
    const verdict = { kind: 'flagged', flagged: true, causes: ['stuck'], message: 'm', warnings: [] };
    await db.points.saveVerdict(runId, { verdict, verdictKind: 'flagged', flagged: true, expectedLr: 0.01 });
    expect(await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ verdict, verdictKind: 'flagged', flagged: true, expectedLr: 0.01 });
    expect((await db.points.verdictInputs(runId))!.verdict).toEqual(verdict);
    expect(await db.points.verdictInputs(999)).toBeUndefined();
  });

  it('alert inputs: run state, the project rules or none, and which open keys are held', async () => {
    expect(await db.points.alertInputs(runId, [`${runId}:flagged`, `${runId}:stalled`])).toEqual({ projectId, status: 'running', verdict: null, muted: false, rules: null, openKeys: [] });
    await db.prisma.alertRule.create({ data: { projectId, causes: ['stuck'], stallSeconds: 60, quietSeconds: 5, nonfiniteLoss: false, updatedAt: now } });
    await db.prisma.alert.create({ data: { projectId, runId, kind: 'stalled', openKey: `${runId}:stalled`, message: 'quiet', openedAt: now } });
    expect(await db.points.alertInputs(runId, [`${runId}:flagged`, `${runId}:stalled`])).toEqual({
      projectId,
      status: 'running',
      verdict: null,
      muted: false,
      rules: { causes: ['stuck'], stallSeconds: 60, quietSeconds: 5, nonfiniteLoss: false },
      openKeys: [`${runId}:stalled`],
    });
    // An archived run, or one being deleted, raises no alerts.
    await db.prisma.run.update({ where: { id: runId }, data: { archivedAt: now } });
    expect((await db.points.alertInputs(runId, []))?.muted).toBe(true);
    await db.prisma.run.update({ where: { id: runId }, data: { archivedAt: null, deletedAt: now } });
    expect((await db.points.alertInputs(runId, []))?.muted).toBe(true);
    await db.prisma.run.update({ where: { id: runId }, data: { deletedAt: null } });
    expect((await db.points.alertInputs(runId, []))?.muted).toBe(false);
  });
});
