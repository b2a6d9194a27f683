// A flapping database fails every request and every connection: one line per interval says so,
// with a count of what was held back, instead of flooding the log.
export function logAtMostEvery<T>(ms: number, log: (item: T, suppressed: number) => void, now: () => number = Date.now): (item: T) => void {
  let last = -Infinity;
  let suppressed = 0;
  return (item) => {
    const t = now();
    if (t - last < ms) {
      suppressed++;
      return;
    }
    last = t;
    log(item, suppressed);
    suppressed = 0;
  };
}
