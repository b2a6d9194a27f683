import { connection } from 'next/server';
import { PreviewView } from '@/components/preview/preview-view';

export const metadata = { title: 'Schedule preview' };

// Computed from the config kept in the URL, by pure code: the server draws the first view from the
// request's URL (so the page arrives drawn), the browser everything after.
export default async function PreviewPage() {
  await connection();
  return <PreviewView />;
}
