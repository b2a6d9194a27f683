import { PreviewView } from '@/components/preview/preview-view';

export const metadata = { title: 'Schedule preview' };

// Computed in the browser from the pasted config; the server only serves the page.
export default function PreviewPage() {
  return <PreviewView />;
}
