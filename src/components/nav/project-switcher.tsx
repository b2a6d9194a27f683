'use client';
// The project in view, for the whole dashboard: each project with its runs and open alerts.
// Kept in the URL (?project=NAME) so it survives reloads and shared links; the runs table, the
// compare page's run suggestions and the alerts page read it from there.
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTRPC } from '@/trpc/client';
import styles from './project-switcher.module.css';

/** The project in the URL, or undefined for all projects. */
export function useProjectParam(): string | undefined {
  return useSearchParams()?.get('project') || undefined;
}

/** `href` with the current project carried along. */
export function withProject(href: string, project: string | undefined): string {
  if (!project) return href;
  return `${href}${href.includes('?') ? '&' : '?'}project=${encodeURIComponent(project)}`;
}

export function ProjectSwitcher() {
  const trpc = useTRPC();
  const router = useRouter();
  const path = usePathname() ?? '/';
  const params = useSearchParams();
  const current = params?.get('project') ?? '';
  const projects = useQuery(trpc.projects.list.queryOptions());
  const names = projects.data ?? [];
  const choose = (name: string) => {
    const next = new URLSearchParams(params?.toString() ?? '');
    if (name) next.set('project', name);
    else next.delete('project');
    // A run page belongs to one project: switching goes to that project's runs.
    const base = path.startsWith('/runs/') ? '/' : path;
    if (base !== path) for (const k of [...next.keys()]) if (k !== 'project') next.delete(k);
    const qs = next.toString();
    router.push(qs ? `${base}?${qs}` : base);
  };
  return (
    <div className={styles.switcher}>
      <label htmlFor="project-switcher" className="sr-only">
        Project in view
      </label>
      <select id="project-switcher" value={current} onChange={(e) => choose(e.target.value)} data-testid="project-switcher">
        <option value="">All projects</option>
        {current && !names.some((p) => p.name === current) && <option value={current}>{current}</option>}
        {names.map((p) => (
          <option key={p.name} value={p.name}>
            {p.name} · {p.runs} run{p.runs === 1 ? '' : 's'}
            {p.openAlerts > 0 ? ` · ${p.openAlerts} open alert${p.openAlerts === 1 ? '' : 's'}` : ''}
          </option>
        ))}
      </select>
    </div>
  );
}
