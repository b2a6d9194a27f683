import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { Nav } from '@/components/nav';
import { HydratedProvider } from '@/components/time';
import { THEME_BOOT_SCRIPT } from '@/lib/ui/theme';
import { Providers } from '@/trpc/client';
import { HydrationBoundary } from '@tanstack/react-query';
import { prefetch } from '@/trpc/server';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'lrscope', template: '%s · lrscope' },
  description: 'Learning rate actually used vs. the configured schedule, live.',
  icons: { icon: '/favicon.svg' },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The open-alerts count and the project switcher's list come with every page.
  const navData = await prefetch(({ trpc, queryClient }) => Promise.all([queryClient.prefetchQuery(trpc.alerts.count.queryOptions()), queryClient.prefetchQuery(trpc.projects.list.queryOptions())]));
  return (
    // The theme script sets data-theme before React hydrates; the attribute is expected to differ.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>
        <a className="skip" href="#main">
          Skip to content
        </a>
        <Providers>
          <HydratedProvider>
            <HydrationBoundary state={navData}>
              <Nav />
            </HydrationBoundary>
            <main id="main">{children}</main>
          </HydratedProvider>
        </Providers>
      </body>
    </html>
  );
}
