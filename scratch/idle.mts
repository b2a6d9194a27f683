import { readFileSync } from 'node:fs';
import { startServer } from '../test/helpers/server';
const rss = (pid: number) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!.split(/\s+/)[1]) / 1024;
for (const [label, args, env] of [['api-only', ['--api-only'], {}], ['pages', [], {}], ['pages, heap 256', [], { NODE_OPTIONS: '--max-old-space-size=256' }], ['pages, semi 4', [], { NODE_OPTIONS: '--max-semi-space-size=4' }]] as const) {
  const s = await startServer({ args: [...args], env: { ...env } });
  await new Promise((r) => setTimeout(r, 1500));
  const a = rss(s.pid);
  await fetch(`${s.url}/`).catch(() => {});
  await new Promise((r) => setTimeout(r, 1500));
  console.log(label, 'idle', a.toFixed(0), 'after a page', rss(s.pid).toFixed(0));
  await s.stop();
}
