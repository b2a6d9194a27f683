'use client';
// A project's alert rules: the causes that raise an alert, the stall timeout, the quiet period,
// and alerts on NaN loss. Checked in the page first (same limits as the API), then saved.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorState, Loading } from '@/components/states';
import { parseRulesForm, type RulesFormValues, toFormValues } from '@/lib/alerts/rules-form';
import { CAUSE_SHORT } from '@/lib/ui/verdict-words';
import { CAUSES, type Cause } from '@/lib/verdict';
import { useTRPC } from '@/trpc/client';

export function RulesForm({ project }: { project: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rules = useQuery(trpc.alerts.rules.queryOptions({ project }));
  // The saved rules until the user edits them; derived in render, so a page that came with the
  // rules (server-rendered) shows the form at once.
  const [edited, setValues] = useState<RulesFormValues | null>(null);
  const values = edited ?? (rules.data ? toFormValues(rules.data) : null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const save = useMutation(
    trpc.alerts.setRules.mutationOptions({
      onSuccess: (data) => {
        queryClient.setQueryData(trpc.alerts.rules.queryKey({ project }), data);
        setValues(toFormValues(data));
        setSaved(true);
      },
    }),
  );

  if (rules.isError) return <ErrorState title="Could not load the rules." error={rules.error} retry={() => void rules.refetch()} />;
  // About the form's own height, so the panels below do not jump when it arrives.
  if (!values) return <Loading label="Loading rules…" rows={16} />;

  const change = (patch: Partial<RulesFormValues>) => {
    setValues({ ...values, ...patch });
    setSaved(false);
  };
  const toggle = (c: Cause) => change({ causes: values.causes.includes(c) ? values.causes.filter((x) => x !== c) : [...values.causes, c] });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseRulesForm(values);
    setErrors(parsed.errors ?? {});
    if (parsed.rules) save.mutate({ project, ...parsed.rules });
  };

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="rules-title" data-testid="rules-form" noValidate>
      <h2 id="rules-title">Rules</h2>
      <fieldset style={{ border: 0, padding: 0, margin: '0 0 10px' }}>
        <legend className="muted" style={{ padding: 0, marginBottom: 4 }}>
          Alert when a run is flagged for
        </legend>
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(190px, 1fr))', gap: '0 12px' }}>
          {CAUSES.map((c) => (
            <label key={c} className="checkbox" title={c}>
              <input type="checkbox" checked={values.causes.includes(c)} onChange={() => toggle(c)} />
              {CAUSE_SHORT[c]}
            </label>
          ))}
        </div>
        {values.causes.length === 0 && <p className="muted" style={{ margin: '4px 0 0' }}>No cause ticked: flagged runs raise no alert in this project.</p>}
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={values.nonfiniteLoss} onChange={(e) => change({ nonfiniteLoss: e.target.checked })} />
        Alert when the loss becomes NaN or infinite
      </label>
      <div className="row" style={{ alignItems: 'flex-start', margin: '10px 0' }}>
        <MinutesField id="stall" label="Stall timeout" hint="A running run that sends nothing for this long is stalled." value={values.stallMinutes} error={errors.stallSeconds} onChange={(v) => change({ stallMinutes: v })} />
        <MinutesField id="quiet" label="Quiet period" hint="No second notification for the same run and problem within it." value={values.quietMinutes} error={errors.quietSeconds} onChange={(v) => change({ quietMinutes: v })} />
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save rules'}
        </button>
        <span role="status" aria-live="polite" data-testid="rules-status" className={save.isError ? '' : 'muted'} style={save.isError ? { color: 'var(--bad)' } : undefined}>
          {save.isError ? `Not saved: ${save.error.message}` : saved ? 'Saved. Open alerts were re-checked against the new rules.' : ''}
        </span>
      </div>
    </form>
  );
}

function MinutesField({ id, label, hint, value, error, onChange }: { id: string; label: string; hint: string; value: string; error?: string; onChange: (v: string) => void }) {
  return (
    <div className="field" style={{ flex: '1 1 200px' }}>
      <label htmlFor={id}>{label}</label>
      <span className="row" style={{ gap: 6, flexWrap: 'nowrap' }}>
        <input id={id} type="text" inputMode="decimal" value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={!!error} aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`} style={{ width: 90 }} />
        <span className="muted">minutes</span>
      </span>
      <span id={`${id}-hint`} className="muted" style={{ fontSize: 12 }}>
        {hint}
      </span>
      {error && (
        <span id={`${id}-error`} style={{ color: 'var(--bad)', fontSize: 12 }}>
          {label}: {error}
        </span>
      )}
    </div>
  );
}
