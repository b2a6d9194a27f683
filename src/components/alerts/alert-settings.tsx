'use client';
// Per-project alert settings: which problems alert and when (rules), where notifications go
// (webhooks, plus the server-wide LRSCOPE_WEBHOOK_URL), a test alert, and recent deliveries.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { RetentionPanel } from '@/components/projects/retention-panel';
import { ErrorState, Loading } from '@/components/states';
import { settingsProject } from '@/lib/ui/alerts-view';
import { useTRPC } from '@/trpc/client';
import { RecentDeliveries } from './recent-deliveries';
import { RulesForm } from './rules-form';
import { WebhooksPanel } from './webhooks-panel';

export function AlertSettings({ project: asked }: { project?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const projects = useQuery(trpc.alerts.projects.queryOptions());
  // A raised or resolved alert queues deliveries, and each delivery attempt nudges too.
  useSubscription(trpc.live.alerts.subscriptionOptions(undefined, { onData: () => void queryClient.invalidateQueries({ queryKey: trpc.alerts.deliveries.pathKey() }) }));

  const names = projects.data?.map((p) => p.name) ?? [];
  const project = settingsProject(names, asked);

  return (
    <>
      <div className="page-head">
        <h1>
          <Link href="/alerts" prefetch={false}>
            Alerts
          </Link> <span className="muted">›</span> Rules &amp; webhooks
        </h1>
        <span className="spacer" />
        {/* Drawn before the projects load, so nothing below moves when they do. */}
        <div className="field" style={{ flexDirection: 'row', alignItems: 'center', gap: 8 }}>
          <label htmlFor="alert-project">Project</label>
          <select id="alert-project" value={project ?? ''} disabled={names.length === 0} onChange={(e) => router.push(`/alerts/settings?project=${encodeURIComponent(e.target.value)}`, { scroll: false })}>
            {names.length === 0 && <option value="">…</option>}
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
      </div>
      {projects.isError ? (
        <ErrorState title="Could not load projects." error={projects.error} retry={() => void projects.refetch()} />
      ) : !projects.data ? (
        <Loading label="Loading alert settings…" />
      ) : !project ? (
        <div className="panel state">No projects yet: a project is created with its first API key.</div>
      ) : (
        <>
          {asked && asked !== project && (
            <p role="status" className="muted">
              No project “{asked}”; showing {project}.
            </p>
          )}
          <div className="grid-2">
            <RulesForm key={`rules-${project}`} project={project} />
            <WebhooksPanel key={`hooks-${project}`} project={project} />
          </div>
          <RetentionPanel key={`retention-${project}`} project={project} />
          <RecentDeliveries project={project} />
        </>
      )}
    </>
  );
}
