// The pages of bench/live-feeds.ts: N minimal SSE readers of live.run. Used in the bench's own
// process, or forked (this file run as a child: port, runId, n in argv, state over IPC) so that
// reading N streams does not hold up the bench's timing of runs.log in the same event loop.
import http from 'node:http';

export interface Readers {
  started(): number;
  /** Readers whose latest point is at `step`. */
  at(step: number): number;
  /** Resets received in all. */
  resets(): number;
  close(): void;
}

/**
 * Only looks for markers: the reader must not be what is slow. A reset (the page fell further
 * behind than the server keeps) is what a page answers by re-reading its series: here, taking the
 * run's last step from the event.
 */
function openFeed(port: number, runId: number) {
  let seen = -1;
  let tail = '';
  let started = false;
  let resets = 0;
  const req = http.get({ host: '127.0.0.1', port, agent: false, path: `/api/trpc/live.run?input=${encodeURIComponent(JSON.stringify({ runId }))}`, headers: { accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) throw new Error(`live.run: HTTP ${res.statusCode}`);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const text = tail + chunk;
      if (text.includes('"kind":"start"')) started = true;
      // From the end: a reader that parsed every point would be slower than the server it times.
      const reset = text.lastIndexOf('"kind":"reset"');
      const step = text.lastIndexOf('"step":');
      if (reset > step) {
        const m = /"lastStep":(\d+)/.exec(text.slice(reset));
        if (m) seen = Number(m[1]);
      } else if (step >= 0) {
        seen = parseInt(text.slice(step + 7, step + 27), 10);
      }
      for (let at = text.indexOf('"kind":"reset"', Math.max(0, tail.length - 13)); at >= 0; at = text.indexOf('"kind":"reset"', at + 1)) resets++;
      tail = text.slice(-64);
    });
  });
  req.on('error', () => {});
  return { started: () => started, lastStep: () => seen, resets: () => resets, close: () => req.destroy() };
}

export function openReaders(port: number, runId: number, n: number): Readers {
  const feeds = Array.from({ length: n }, () => openFeed(port, runId));
  return {
    started: () => feeds.filter((f) => f.started()).length,
    at: (step) => feeds.filter((f) => f.lastStep() === step).length,
    resets: () => feeds.reduce((n, f) => n + f.resets(), 0),
    close: () => feeds.forEach((f) => f.close()),
  };
}

if (process.send && process.argv[2] === 'child') {
  const [port, runId, n] = process.argv.slice(3).map(Number);
  const readers = openReaders(port, runId, n);
  process.on('message', (m: { step: number }) => process.send!({ started: readers.started(), at: readers.at(m.step), resets: readers.resets() }));
  process.on('disconnect', () => {
    readers.close();
    process.exit(0);
  });
}
