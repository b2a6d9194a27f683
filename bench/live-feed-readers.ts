// The pages of bench/live-feeds.ts: N minimal SSE readers of live.run. Used in the bench's own
// process, or forked (this file run as a child: port, runId, n in argv, state over IPC) so that
// reading N streams does not hold up the bench's timing of runs.log in the same event loop.
//
// Each reader is a bare TCP socket speaking HTTP/1.0 (the body is the stream itself, no chunked
// framing), not Node's http client: with 500 responses in one process, the client left some of
// them unread with their data waiting in the kernel, which looked like pages the server had
// stopped feeding.
import net from 'node:net';

export interface ReaderState {
  started: number;
  /** Readers whose latest point is at the asked step. */
  at: number;
  /** Resets received in all. */
  resets: number;
  /** The latest steps of a few readers that are not at the asked step (for a bench that times out). */
  behind: number[];
}

export interface Readers {
  state(step: number): ReaderState;
  close(): void;
}

/**
 * Only looks for markers: the reader must not be what is slow. Points come as columns, so an
 * event's last step is the last number of its `step` column. A reset (the page fell further
 * behind than the server keeps) is what a page answers by re-reading its series: here, taking
 * the run's last step from the event.
 */
function openFeed(port: number, runId: number) {
  let seen = -1;
  let started = false;
  let resets = 0;
  let head = true;
  let text = '';
  const take = (event: string) => {
    if (event.includes('"kind":"start"')) started = true;
    if (event.includes('"kind":"reset"')) {
      resets++;
      const m = /"lastStep":(\d+)/.exec(event);
      if (m) seen = Number(m[1]);
      return;
    }
    const column = event.indexOf('"step":[');
    if (column < 0) return;
    const end = event.indexOf(']', column);
    const comma = event.lastIndexOf(',', end);
    const from = comma > column ? comma + 1 : column + 8;
    if (end > from) seen = Number(event.slice(from, end));
  };
  const socket = net.connect(port, '127.0.0.1', () => {
    const path = `/api/trpc/live.run?input=${encodeURIComponent(JSON.stringify({ runId }))}`;
    socket.write(`GET ${path} HTTP/1.0\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`);
  });
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    text += chunk;
    if (head) {
      const body = text.indexOf('\r\n\r\n');
      if (body < 0) return;
      if (!/^HTTP\/1\.[01] 200/.test(text)) throw new Error(`live.run: ${text.slice(0, text.indexOf('\r\n'))}`);
      text = text.slice(body + 4);
      head = false;
    }
    for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
      take(text.slice(0, end));
      text = text.slice(end + 2);
    }
  });
  socket.on('error', () => {});
  return { started: () => started, lastStep: () => seen, resets: () => resets, close: () => socket.destroy() };
}

export function openReaders(port: number, runId: number, n: number): Readers {
  const feeds = Array.from({ length: n }, () => openFeed(port, runId));
  return {
    state: (step) => ({
      started: feeds.filter((f) => f.started()).length,
      at: feeds.filter((f) => f.lastStep() === step).length,
      resets: feeds.reduce((sum, f) => sum + f.resets(), 0),
      behind: [...new Set(feeds.map((f) => f.lastStep()).filter((s) => s !== step))].slice(0, 5),
    }),
    close: () => feeds.forEach((f) => f.close()),
  };
}

if (process.send && process.argv[2] === 'child') {
  const [port, runId, n] = process.argv.slice(3).map(Number);
  const readers = openReaders(port, runId, n);
  process.on('message', (m: { step: number }) => process.send!(readers.state(m.step)));
  process.on('disconnect', () => {
    readers.close();
    process.exit(0);
  });
}
