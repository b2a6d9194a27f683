'use client';
// A project's retention policy: finished (or crashed) runs older than N days are archived or
// deleted by the server's sweep. Off by default.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTRPC } from '@/trpc/client';

export function RetentionPanel({ project }: { project: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const projects = useQuery(trpc.projects.list.queryOptions());
  const policy = projects.data?.find((p) => p.name === project)?.retention ?? null;
  const [on, setOn] = useState(false);
  const [days, setDays] = useState('90');
  const [action, setAction] = useState<'archive' | 'delete'>('archive');
  useEffect(() => {
    setOn(policy !== null);
    if (policy) {
      setDays(String(policy.days));
      setAction(policy.action);
    }
  }, [policy?.days, policy?.action, policy === null]);
  const save = useMutation(trpc.projects.setRetention.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.projects.list.queryKey() }) }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ project, policy: on ? { days: Number(days), action } : null });
  };
  return (
    <section className="panel" aria-labelledby="retention-title" data-testid="retention">
      <h2 id="retention-title">Retention</h2>
      <p className="muted" data-testid="retention-now">
        {policy ? `Finished runs are ${policy.action === 'delete' ? 'deleted' : 'archived'} ${policy.days} day${policy.days === 1 ? '' : 's'} after they end.` : 'Runs are kept until you archive or delete them.'}
      </p>
      <form onSubmit={submit} className="row">
        <label className="checkbox">
          <input type="checkbox" checked={on} onChange={(e) => setOn(e.target.checked)} /> Clean up finished runs
        </label>
        <label htmlFor="retention-action" className="sr-only">
          What to do with them
        </label>
        <select id="retention-action" value={action} onChange={(e) => setAction(e.target.value as 'archive' | 'delete')} disabled={!on}>
          <option value="archive">archive</option>
          <option value="delete">delete</option>
        </select>
        <label htmlFor="retention-days">after (days)</label>
        <input id="retention-days" type="number" min={1} max={36500} step={1} value={days} onChange={(e) => setDays(e.target.value)} disabled={!on} style={{ width: 90 }} required />
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save retention'}
        </button>
      </form>
      {save.error && (
        <p role="alert" style={{ color: 'var(--bad)' }}>
          {save.error.message}
        </p>
      )}
    </section>
  );
}
