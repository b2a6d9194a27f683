import { createDetector } from '../src/lib/detect';
import { plateauParams, plateauReductions, reducedLr } from '../src/lib/detect/plateau';
import { compileSchedule, parseSchedule } from '../src/lib/schedules';
const spec = parseSchedule({ name: 'ReduceLROnPlateau', params: { factor: 0.5, patience: 2 } });
const SPE = 1000, EPOCHS = 1000;
const metrics = Array.from({ length: EPOCHS }, (_, e) => (e < 20 ? 2 - e * 0.05 : 1 + 0.001 * ((e * 7) % 5)));
const red = plateauReductions(plateauParams(spec), metrics);
const pts: any[] = []; let lr = 0.1;
for (let e = 0; e < EPOCHS; e++) { for (let i = 0; i < SPE; i++) pts.push({ step: e * SPE + i, lr }); pts[pts.length - 1].schedulerMetric = metrics[e]; if (red[e]) lr = reducedLr(plateauParams(spec), lr); }
const d = createDetector({ schedule: compileSchedule(spec), stepsPerEpoch: SPE, cadence: { optimizerSteps: 1e6, schedulerSteps: EPOCHS, medianGap: SPE, metric: 'scheduler_metric' } });
let t = performance.now(); d.add(pts); const v = d.verdict(); console.log('1M full', (performance.now() - t).toFixed(1), 'ms', v.kind, v.message.slice(0, 80));
const times: number[] = []; for (let k = 0; k < 20; k++) { t = performance.now(); d.add([{ step: 1e6 + k, lr }]); d.verdict(); times.push(performance.now() - t); }
times.sort((a, b) => a - b); console.log('per batch verdict median', times[10].toFixed(2), 'ms');
