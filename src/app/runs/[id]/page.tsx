import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { RunView } from '@/components/run/run-view';
import { Loading } from '@/components/states';
import { pageData } from '@/server/page-data';

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
  // The view (zoom, x axis, log scale) is read from the URL on the client.
  return (
    <Suspense fallback={<Loading label="Loading run…" rows={8} />}>
      <RunView key={id} id={Number(id)} />
    </Suspense>
  );
}
