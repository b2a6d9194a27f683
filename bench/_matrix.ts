import { readFileSync } from 'node:fs';
import { detect, detectorInput } from '../src/lib/detect';
import { parseSchedule } from '../src/lib/schedules';
const { runs } = JSON.parse(readFileSync('/work/wt/detector/test/fixtures/failure-modes/runs.json', 'utf8'));
for (const mode of ['lr-only', 'client', 'counts', 'cadence']) {
  for (const r of runs) {
    const points = mode === 'client' || mode === 'counts' ? r.points : r.points.map(({ schedulerStep, ...p }: any) => p);
    const v = detect(detectorInput({ schedule: parseSchedule(r.schedule), stepsPerEpoch: r.stepsPerEpoch, cadence: mode === 'client' || mode === 'cadence' ? r.cadence : undefined, points }));
    const ok = v.flagged === r.expect.flagged && (!r.expect.flagged || v.causes[0] === r.expect.cause);
    console.log(`${ok ? '  ' : '!!'} ${mode.padEnd(8)} ${r.id.padEnd(34)} exp ${r.expect.flagged ? r.expect.cause : 'ok'} got ${v.flagged ? v.causes.join('+') + '@' + v.firstBadStep : v.kind} ${ok ? '' : v.message.slice(0, 300)} ${v.warnings.length ? ' W: ' + v.warnings.map((w) => w.slice(0, 60)).join(' | ') : ''}`);
  }
}
