import { config } from '/work/main/src/server/api/inputs';
import { scheduleSpec } from '/work/main/src/server/api/schedule-input';
const d = 5000;
const v = JSON.parse(`{"name":"deep","config":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}`);
try { console.log(config.safeParse(v.config).error?.issues); } catch (e) { console.log('zod threw', (e as Error).message); }
let spec: any = { name: 'StepLR', params: { step_size: 1 } };
for (let i = 0; i < 5000; i++) spec = { name: 'SequentialLR', params: { schedulers: [spec], milestones: [] } };
try { console.log(JSON.stringify(scheduleSpec.safeParse(spec).error?.issues).slice(0, 300)); } catch (e) { console.log('schedule threw', (e as Error).message); }
let p: any = 1; for (let i = 0; i < 5000; i++) p = { a: p };
try { console.log(JSON.stringify(scheduleSpec.safeParse({ name: 'StepLR', params: { step_size: p } }).error?.issues).slice(0, 300)); } catch (e) { console.log('schedule2 threw', (e as Error).message); }
