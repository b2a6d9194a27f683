import { AlertSettings } from '@/components/alerts/alert-settings';
import { settingsProject } from '@/lib/ui/alerts-view';
import { HydrationBoundary } from '@tanstack/react-query';
import { prefetch, type ServerReads } from '@/trpc/server';

export const metadata = { title: 'Alert rules & webhooks' };

// Every panel's first read, for the project the page will show.
async function settingsReads({ trpc, queryClient }: ServerReads, asked: string | undefined) {
  const projects = await queryClient.fetchQuery(trpc.alerts.projects.queryOptions());
  const project = settingsProject(
    projects.map((p) => p.name),
    asked,
  );
  if (!project) return;
  await Promise.all([
    queryClient.prefetchQuery(trpc.alerts.rules.queryOptions({ project })),
    queryClient.prefetchQuery(trpc.alerts.webhooks.queryOptions({ project })),
    queryClient.prefetchQuery(trpc.alerts.defaultChannel.queryOptions()),
    queryClient.prefetchQuery(trpc.alerts.deliveries.queryOptions({ project, limit: 15 })),
    queryClient.prefetchQuery(trpc.projects.list.queryOptions()),
  ]);
}

export default async function AlertSettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { project } = await searchParams;
  const asked = typeof project === 'string' && project ? project : undefined;
  return (
    <HydrationBoundary state={await prefetch((reads) => settingsReads(reads, asked))}>
      <AlertSettings project={asked} />
    </HydrationBoundary>
  );
}
