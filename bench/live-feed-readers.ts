// The pages of bench/live-feeds.ts: N minimal SSE readers of live.run. Used in the bench's own
// process, or forked (this file run as a child: port, runId, n in argv, state over IPC) so that
// reading N streams does not hold up the bench's timing of runs.log in the same event loop.
import http from 'node:http';

export interface Readers {
  started(): number;
  /** Readers whose latest point is at `step`. */
  at(step: number): number;
  close(): void;
}

/** Only looks for markers: the reader must not be what is slow. */
function openFeed(port: number, runId: number) {
  let seen = -1;
  let tail = '';
  let started = false;
  const req = http.get({ host: '127.0.0.1', port, agent: false, path: `/api/trpc/live.run?input=${encodeURIComponent(JSON.stringify({ runId }))}`, headers: { accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) throw new Error(`live.run: HTTP ${res.statusCode}`);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const text = tail + chunk;
      if (text.includes('"kind":"start"')) started = true;
      const last = [...text.matchAll(/"step":(\d+)/g)].pop();
      if (last) seen = Number(last[1]);
      tail = text.slice(-64);
    });
  });
  req.on('error', () => {});
  return { started: () => started, lastStep: () => seen, close: () => req.destroy() };
}

export function openReaders(port: number, runId: number, n: number): Readers {
  const feeds = Array.from({ length: n }, () => openFeed(port, runId));
  return {
    started: () => feeds.filter((f) => f.started()).length,
    at: (step) => feeds.filter((f) => f.lastStep() === step).length,
    close: () => feeds.forEach((f) => f.close()),
  };
}

if (process.send && process.argv[2] === 'child') {
  const [port, runId, n] = process.argv.slice(3).map(Number);
  const readers = openReaders(port, runId, n);
  process.on('message', (m: { step: number }) => process.send!({ started: readers.started(), at: readers.at(m.step) }));
  process.on('disconnect', () => {
    readers.close();
    process.exit(0);
  });
}
