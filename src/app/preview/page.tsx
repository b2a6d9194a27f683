import { Suspense } from 'react';
import { PreviewView } from '@/components/preview/preview-view';
import { Loading } from '@/components/states';

export const metadata = { title: 'Schedule preview' };

// Computed in the browser from the pasted config (kept in the URL); the server only serves the page.
export default function PreviewPage() {
  return (
    <Suspense fallback={<Loading label="Loading the preview…" />}>
      <PreviewView />
    </Suspense>
  );
}
