'use client';
// A project's webhook channels: the server-wide default (LRSCOPE_WEBHOOK_URL), the project's own,
// adding one (URL checked here and by the server), removing one, and a test alert. URLs are shown
// shortened and secrets as a hint; a secret the server generates is shown once, right after adding.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorState, Loading } from '@/components/states';
import { LocalDateTime } from '@/components/time';
import { useTRPC } from '@/trpc/client';
import { TestAlert } from './test-alert';

/** The server checks the same; checking here names the mistake before anything is sent. */
function urlProblem(url: string): string | null {
  try {
    const u = new URL(url.trim());
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'url: must be an http:// or https:// URL';
    if (u.username || u.password) return 'url: must not contain a user name or password (use the signing secret)';
    return null;
  } catch {
    return 'url: must be an http:// or https:// URL';
  }
}

// Long URLs wrap (anywhere, they have no spaces) rather than widen the panel.
const CELL = { whiteSpace: 'normal', overflowWrap: 'anywhere' } as const;

export function WebhooksPanel({ project }: { project: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hooks = useQuery(trpc.alerts.webhooks.queryOptions({ project }));
  const fallback = useQuery(trpc.alerts.defaultChannel.queryOptions());
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [shown, setShown] = useState<{ url: string; secret: string } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.alerts.webhooks.queryKey({ project }) });
  const add = useMutation(
    trpc.alerts.addWebhook.mutationOptions({
      onSuccess: (created) => {
        setShown(created.secret ? { url: created.url, secret: created.secret } : null);
        setUrl('');
        setSecret('');
        refresh();
      },
    }),
  );
  const remove = useMutation(trpc.alerts.removeWebhook.mutationOptions({ onSettled: refresh }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = urlProblem(url) ?? (secret && secret.length < 8 ? 'secret: must be at least 8 characters' : null);
    setProblem(p);
    if (!p) add.mutate({ project, url: url.trim(), ...(secret && { secret }) });
  };
  const error = problem ?? (add.isError ? add.error.message : null);

  return (
    // marginTop 0: beside the rules in the grid, not below them (.panel + .panel adds a gap).
    <section className="panel" aria-labelledby="hooks-title" data-testid="webhooks-panel" style={{ marginTop: 0 }}>
      <h2 id="hooks-title">Webhooks</h2>
      <p className="muted" style={{ margin: '0 0 8px' }}>
        Slack-compatible JSON, signed with each webhook’s secret in <code>X-Lrscope-Signature</code> (HMAC-SHA256 of the body). Retried with backoff while the receiver fails.
      </p>
      {hooks.isError ? (
        <ErrorState title="Could not load webhooks." error={hooks.error} retry={() => void hooks.refetch()} />
      ) : !hooks.data ? (
        <Loading label="Loading webhooks…" rows={2} />
      ) : (
        // Two columns, details under the URL: the Remove button stays in view in a narrow window.
        <div className="table-wrap">
          <table className="runs" data-testid="webhooks-table">
            <caption className="sr-only">Where this project’s alerts are sent</caption>
            <thead>
              <tr>
                <th scope="col">Webhook</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {fallback.data && (
                <tr data-testid="webhook-default">
                  <td style={CELL}>
                    <div className="mono">{fallback.data.url}</div>
                    <div className="muted">Server default for every project: LRSCOPE_WEBHOOK_URL, signed with LRSCOPE_WEBHOOK_SECRET</div>
                  </td>
                  <td className="muted" title="Set in the server’s environment">
                    env
                  </td>
                </tr>
              )}
              {hooks.data.map((h) => (
                <tr key={h.id} data-testid={`webhook-${h.id}`}>
                  <td style={CELL}>
                    <div className="mono">{h.url}</div>
                    <div className="muted">
                      secret <span className="mono">{h.secretHint}</span> · added <LocalDateTime iso={h.createdAt} />
                    </div>
                  </td>
                  <td style={{ width: 1 }}>
                    <button type="button" onClick={() => remove.mutate({ id: h.id })} disabled={remove.isPending} aria-label={`Remove webhook ${h.url}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
              {hooks.data.length === 0 && !fallback.data && (
                <tr>
                  <td colSpan={2} className="muted" style={CELL}>
                    No webhooks: alerts show in the app only. Add one below, or set LRSCOPE_WEBHOOK_URL and LRSCOPE_WEBHOOK_SECRET on the server for every project.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {shown && (
        <div role="status" className="panel" style={{ background: 'var(--warn-bg)', borderColor: '#eedca8', margin: '10px 0 0' }} data-testid="new-secret">
          <strong>Signing secret for {shown.url}</strong> — copy it now; it is not shown again:
          <div className="mono" style={{ wordBreak: 'break-all', marginTop: 4 }}>
            {shown.secret}
          </div>
        </div>
      )}
      <form onSubmit={submit} className="filters" style={{ margin: '12px 0 0' }} aria-label="Add a webhook" noValidate>
        <div className="field" style={{ flex: '3 1 240px' }}>
          <label htmlFor="hook-url">Webhook URL</label>
          <input id="hook-url" type="text" inputMode="url" placeholder="https://hooks.slack.com/services/…" value={url} onChange={(e) => setUrl(e.target.value)} aria-invalid={!!error} aria-describedby={error ? 'hook-error' : undefined} />
        </div>
        <div className="field" style={{ flex: '2 1 160px' }}>
          <label htmlFor="hook-secret">Signing secret (optional)</label>
          <input id="hook-secret" type="text" autoComplete="off" placeholder="generated if empty" value={secret} onChange={(e) => setSecret(e.target.value)} />
        </div>
        <button type="submit" disabled={add.isPending || url.trim() === ''}>
          Add webhook
        </button>
        {error && (
          <p id="hook-error" role="alert" style={{ color: 'var(--bad)', margin: 0, flexBasis: '100%' }}>
            {error}
          </p>
        )}
      </form>
      <TestAlert project={project} />
    </section>
  );
}
