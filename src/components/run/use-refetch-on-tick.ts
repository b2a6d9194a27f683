import { useEffect, useRef } from 'react';

/** Re-reads a query each time `tick` changes after the first render (new points, a run event). */
export function useRefetchOnTick(tick: number, refetch: () => unknown): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    void refetch();
  }, [tick, refetch]);
}
