// tRPC writes each SSE event as five pieces (event, data, id, blank line, each res.write'n on
// its own), so every event on every open feed cost five socket writes: with hundreds of feeds,
// most of the fan-out was system calls. Corking the response for the rest of the tick makes the
// pieces written together leave as one write.
import type http from 'node:http';

export function oneWritePerTick(res: http.ServerResponse): void {
  const write = res.write;
  let corked = false;
  res.write = function (this: http.ServerResponse, ...args: Parameters<typeof write>) {
    if (!corked) {
      corked = true;
      res.cork();
      process.nextTick(() => {
        corked = false;
        res.uncork();
      });
    }
    return write.apply(this, args);
  } as typeof write;
}
