'use client';
// Times that depend on the viewer: their zone and their clock. The server renders a page without
// either, and the browser's first render must match what the server sent (React hydrates it as
// is), so these show the server's version (UTC; "ago" as of when the data was read) until the
// page has hydrated, then the viewer's. Each is a leaf: only it re-renders when that switches,
// and the switch is a transition (a render React can pause), not one long task over every row.
import { createContext, type ReactNode, startTransition, useContext, useEffect, useState } from 'react';
import { formatAgo, formatDateTime } from '@/lib/ui/format';

const Hydrated = createContext(false);

/** Around the whole app: says when the first render in the browser has been hydrated. */
export function HydratedProvider({ children }: { children: ReactNode }) {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => startTransition(() => setHydrated(true)), []);
  return <Hydrated.Provider value={hydrated}>{children}</Hydrated.Provider>;
}

/** False on the server and while hydrating; true once the page runs in the browser. */
export function useHydrated(): boolean {
  return useContext(Hydrated);
}

/**
 * The time "ago" is counted to, for every <Ago> inside without an `asOf` of its own: a table
 * passes its clock here, so a tick re-renders the hundred "ago"s, not the hundred rows.
 */
export const AgoClock = createContext(0);

/** "2026-11-24 23:55" in the viewer's zone. */
export function LocalDateTime({ iso }: { iso: string | null | undefined }) {
  return <>{formatDateTime(iso, useHydrated() ? 'local' : 'UTC')}</>;
}

/**
 * "5 min ago", with the full time as its title. `asOf` (or the AgoClock) is when the data was
 * read (a query's dataUpdatedAt, the same on the server and in the browser); the viewer's clock
 * takes over after hydration when it is later.
 */
export function Ago({ iso, asOf }: { iso: string | null | undefined; asOf?: number }) {
  const hydrated = useHydrated();
  const clock = useContext(AgoClock);
  const at = asOf ?? clock;
  return <span title={formatDateTime(iso, hydrated ? 'local' : 'UTC')}>{formatAgo(iso, hydrated ? Math.max(at, Date.now()) : at)}</span>;
}
