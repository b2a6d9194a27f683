'use client';
// The runs table's management tools, kept out of the table itself: the archived filter, the
// table as CSV (as filtered, every matching run), and archive or delete of the selected runs
// (deleting asks first, naming the runs and their points).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDelete } from '@/components/confirm-delete';
import type { RunFilters } from '@/lib/ui/runs-view';
import { useTRPC } from '@/trpc/client';
import type { Run } from '@/trpc/types';

export function ArchivedFilter({ value, onChange }: { value: RunFilters['archived']; onChange: (archived: RunFilters['archived']) => void }) {
  return (
    <div className="field">
      <label htmlFor="f-archived">Archived</label>
      <select id="f-archived" value={value === 'only' ? 'only' : value ? '1' : ''} onChange={(e) => onChange(e.target.value === 'only' ? 'only' : e.target.value === '1' ? true : undefined)}>
        <option value="">Hide archived</option>
        <option value="1">Include archived</option>
        <option value="only">Archived only</option>
      </select>
    </div>
  );
}

export function runsCsvHref(f: RunFilters): string {
  const q = new URLSearchParams();
  if (f.project) q.set('project', f.project);
  if (f.status) q.set('status', f.status);
  if (f.flagged !== undefined) q.set('flagged', String(f.flagged));
  if (f.search) q.set('search', f.search);
  if (f.archived !== undefined) q.set('archived', f.archived === 'only' ? 'only' : String(f.archived));
  const qs = q.toString();
  return `/api/runs.csv${qs ? `?${qs}` : ''}`;
}

export function BulkActions({ runs, onDone }: { runs: Run[]; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const settle = () => void queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey() });
  const archive = useMutation(trpc.runs.archive.mutationOptions());
  const remove = useMutation(trpc.runs.delete.mutationOptions());
  const busy = archive.isPending || remove.isPending;
  // One call per run: each is authorised and checked on its own, and a failure names its run.
  const each = async (fn: (runId: number) => Promise<unknown>) => {
    setError(null);
    try {
      for (const r of runs) await fn(r.id).catch((e: Error) => Promise.reject(new Error(`${r.name}: ${e.message}`)));
      setConfirming(false);
      onDone();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      settle();
    }
  };
  if (runs.length === 0) return null;
  const points = runs.reduce((n, r) => n + r.pointCount, 0);
  return (
    <>
      <button type="button" disabled={busy} onClick={() => void each((runId) => archive.mutateAsync({ runId, archived: true }))}>
        Archive {runs.length}
      </button>
      <button type="button" disabled={busy} onClick={() => setConfirming(true)}>
        Delete {runs.length}…
      </button>
      {confirming && (
        <ConfirmDelete
          title={`Delete ${runs.length} run${runs.length === 1 ? '' : 's'} and ${points.toLocaleString('en-US')} points?`}
          confirmLabel={`Delete ${runs.length} run${runs.length === 1 ? '' : 's'}`}
          pending={remove.isPending}
          onConfirm={() => void each((runId) => remove.mutateAsync({ runId }))}
          onCancel={() => setConfirming(false)}
          testId="bulk-delete-confirm"
        >
          {runs.map((r) => `“${r.name}” (${r.pointCount.toLocaleString('en-US')} points)`).join(', ')}. This cannot be undone.
        </ConfirmDelete>
      )}
      {error && (
        <p role="alert" style={{ flexBasis: '100%', color: 'var(--bad)' }}>
          {error}
        </p>
      )}
    </>
  );
}
