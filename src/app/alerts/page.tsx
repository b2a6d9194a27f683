import { Suspense } from 'react';
import { AlertsView } from '@/components/alerts/alerts-view';
import { Loading } from '@/components/states';

export const metadata = { title: 'Alerts' };

export default function AlertsPage() {
  return (
    <Suspense fallback={<Loading label="Loading alerts…" />}>
      <AlertsView />
    </Suspense>
  );
}
