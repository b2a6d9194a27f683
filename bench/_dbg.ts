import { readFileSync } from 'node:fs';
import { compileSchedule, parseSchedule } from '../src/lib/schedules';
const { runs } = JSON.parse(readFileSync('test/fixtures/failure-modes/runs.json', 'utf8'));
const r = runs.find((x: any) => x.id === process.argv[2]);
const s: any = compileSchedule(parseSchedule(r.schedule));
console.log(!!s.lrAtEpoch);
for (const p of r.points.slice(0, 45)) console.log(p.step, p.epoch, p.lr, p.schedulerStep, s.lrAtEpoch?.(p.epoch), s.lrAtEpoch?.(p.epoch - 0.05));
