import { notFound } from 'next/navigation';
import { RunView } from '@/components/run/run-view';

export const metadata = { title: 'Run' };

export default async function RunPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const { step } = await searchParams;
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) notFound();
  const s = Number(step);
  return <RunView key={n} id={n} focusStep={typeof step === 'string' && Number.isInteger(s) && s >= 0 ? s : undefined} />;
}
