import { AlertSettings } from '@/components/alerts/alert-settings';

export const metadata = { title: 'Alert rules & webhooks' };

export default async function AlertSettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { project } = await searchParams;
  return <AlertSettings project={typeof project === 'string' && project ? project : undefined} />;
}
