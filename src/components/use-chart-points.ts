'use client';
import { useState } from 'react';

/**
 * How many points a full-width chart can draw on this screen: one per CSS pixel, at most `cap`.
 * Asking the server for more only costs bytes (the chart would decimate them away).
 */
export function useChartPoints(cap = 2000, share = 1): number {
  const [n] = useState(() => (typeof window === 'undefined' ? cap : Math.max(200, Math.min(cap, Math.round(window.innerWidth * share)))));
  return n;
}
