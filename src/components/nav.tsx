'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { AlertsBadge } from '@/components/alerts/alerts-badge';
import { ThemeToggle } from '@/components/theme-toggle';
import { ProjectSwitcher, useProjectParam, withProject } from '@/components/nav/project-switcher';

const LINKS = [
  { href: '/', label: 'Runs', match: (p: string) => p === '/' || p.startsWith('/runs') },
  { href: '/compare', label: 'Compare', match: (p: string) => p.startsWith('/compare') },
  { href: '/alerts', label: 'Alerts', match: (p: string) => p.startsWith('/alerts'), badge: true },
  { href: '/preview', label: 'Preview', match: (p: string) => p.startsWith('/preview') },
];

// Every page is rendered per request, so the URL's search params are known on the server: the
// nav (the project switcher with it) is sent whole, not as a placeholder swapped in later.
export function Nav() {
  const project = useProjectParam();
  const path = usePathname() ?? '/';
  return (
    <header className="topbar">
      {/* No prefetching on load: every page is rendered per request with its data, so a prefetch
          would fetch little a click does not fetch anyway, while the page is still starting up. */}
      <Link href="/" className="brand" aria-label="lrscope home" prefetch={false}>
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
              <Link href={withProject(l.href, project)} aria-current={l.match(path) ? 'page' : undefined} style={l.badge ? { position: 'relative' } : undefined} prefetch={false}>
                {l.label}
                {l.badge && <AlertsBadge />}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <ProjectSwitcher />
      <ThemeToggle />
    </header>
  );
}
