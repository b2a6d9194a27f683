'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { Suspense } from 'react';
import { AlertsBadge } from '@/components/alerts/alerts-badge';
import { ThemeToggle } from '@/components/theme-toggle';
import { ProjectSwitcher, useProjectParam, withProject } from '@/components/nav/project-switcher';

const LINKS = [
  { href: '/', label: 'Runs', match: (p: string) => p === '/' || p.startsWith('/runs') },
  { href: '/compare', label: 'Compare', match: (p: string) => p.startsWith('/compare') },
  { href: '/alerts', label: 'Alerts', match: (p: string) => p.startsWith('/alerts'), badge: true },
  { href: '/preview', label: 'Preview', match: (p: string) => p.startsWith('/preview') },
];

export function Nav() {
  return (
    // The URL's search params are read on the client only; the rest of the page still renders on the server.
    <Suspense fallback={<NavBar project={undefined} />}>
      <NavWithProject />
    </Suspense>
  );
}

function NavWithProject() {
  return <NavBar project={useProjectParam()} switcher />;
}

function NavBar({ project, switcher }: { project: string | undefined; switcher?: boolean }) {
  const path = usePathname() ?? '/';
  return (
    <header className="topbar">
      <Link href="/" className="brand" aria-label="lrscope home">
        <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">
          <path d="M2 4 H8 V9 H13 V14 H18" fill="none" stroke="currentColor" strokeWidth="2" strokeDasharray="3 2" />
          <path d="M2 4 H18" fill="none" stroke="var(--accent)" strokeWidth="2" />
        </svg>
        lrscope
      </Link>
      <nav aria-label="Main">
        <ul>
          {LINKS.map((l) => (
            <li key={l.href}>
              <Link href={withProject(l.href, project)} aria-current={l.match(path) ? 'page' : undefined} style={l.badge ? { position: 'relative' } : undefined}>
                {l.label}
                {l.badge && <AlertsBadge />}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {switcher && <ProjectSwitcher />}
      <ThemeToggle />
    </header>
  );
}
