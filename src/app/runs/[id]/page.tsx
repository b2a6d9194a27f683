import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { RunView } from '@/components/run/run-view';
import { pageData } from '@/server/page-data';
import { prefetch } from '@/trpc/server';

type Props = { params: Promise<{ id: string }> };

async function runName(idParam: string): Promise<string | null | undefined> {
  const id = Number(idParam);
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) return null;
  // undefined: no database here (the build), so nothing to say yet.
  return pageData()?.runName(id);
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const name = await runName((await params).id);
  return { title: name ? `${name} · Run` : 'Run' };
}

export default async function RunPage({ params }: Props) {
  const { id } = await params;
  if ((await runName(id)) === null) notFound();
  // The run comes with the page; its series are sized to the screen, so the browser reads those.
  const state = await prefetch(({ trpc, queryClient }) => queryClient.prefetchQuery(trpc.runs.get.queryOptions({ id: Number(id) })));
  return (
    <HydrationBoundary state={state}>
      <RunView key={id} id={Number(id)} />
    </HydrationBoundary>
  );
}
