import { Suspense } from 'react';
import { CompareView } from '@/components/compare/compare-view';
import { Loading } from '@/components/states';

export const metadata = { title: 'Compare' };

export default function ComparePage() {
  return (
    <Suspense fallback={<Loading label="Loading comparison…" />}>
      <CompareView />
    </Suspense>
  );
}
