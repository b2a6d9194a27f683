import { Suspense } from 'react';
import { RunsTable } from '@/components/runs/runs-table';
import { Loading } from '@/components/states';

export const metadata = { title: 'Runs' };

export default function RunsPage() {
  return (
    <Suspense fallback={<Loading label="Loading runs…" rows={6} />}>
      <RunsTable />
    </Suspense>
  );
}
