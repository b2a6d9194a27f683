import { AlertsView } from '@/components/alerts/alerts-view';

export const metadata = { title: 'Alerts' };

export default function AlertsPage() {
  return <AlertsView />;
}
