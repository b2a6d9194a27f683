'use client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { parseRunView, type RunViewState, runViewQuery } from '@/lib/ui/run-url';

/** The run page's view from its URL; each change is a new history entry (Back undoes a zoom). */
export function useRunUrl(): [RunViewState, (patch: Partial<RunViewState>) => void] {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const state = useMemo(() => parseRunView(new URLSearchParams(params?.toString() ?? '')), [params]);
  const update = useCallback(
    (patch: Partial<RunViewState>) => {
      const qs = runViewQuery({ ...state, ...patch });
      router.push(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [state, pathname, router],
  );
  return [state, update];
}
