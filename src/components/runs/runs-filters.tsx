'use client';
// The runs page's filters. Typed filters apply a beat after the last key; every change is a new
// history entry, so Back walks through them.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useDebounced } from '@/components/use-debounced';
import type { RunFilters } from '@/lib/ui/runs-view';
import { useTRPC } from '@/trpc/client';
import { ArchivedFilter } from './runs-manage-tools';

const STATUSES = ['running', 'finished', 'crashed', 'stalled'] as const;

export function RunsFilters({ filters, onChange }: { filters: RunFilters; onChange: (patch: Partial<RunFilters>) => void }) {
  const trpc = useTRPC();
  const projects = useQuery(trpc.alerts.projects.queryOptions());
  const [search, setSearch] = useState(filters.search ?? '');
  const [project, setProject] = useState(filters.project ?? '');
  // Back and Forward change the URL under the inputs: show what it says.
  useEffect(() => setSearch(filters.search ?? ''), [filters.search]);
  useEffect(() => setProject(filters.project ?? ''), [filters.project]);
  const typedSearch = useDebounced(search.trim());
  const typedProject = useDebounced(project.trim());
  useEffect(() => {
    if (typedSearch !== (filters.search ?? '')) onChange({ search: typedSearch || undefined });
    // Only the typing should trigger this, not a URL change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [typedSearch]);
  useEffect(() => {
    // Project names are letters, digits and _ . -: anything else cannot match one.
    if (typedProject !== (filters.project ?? '') && /^[A-Za-z0-9_.-]*$/.test(typedProject)) onChange({ project: typedProject || undefined });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [typedProject]);
  const anyFilter = !!(filters.project || filters.status || filters.flagged !== undefined || filters.search || filters.archived !== undefined);

  return (
    <form className="filters" role="search" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor="f-search">Name or tag</label>
        <input id="f-search" type="search" placeholder="Search runs…" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="f-project">Project</label>
        <input id="f-project" type="search" list="projects" placeholder="All projects" value={project} onChange={(e) => setProject(e.target.value)} autoComplete="off" />
        <datalist id="projects">
          {(projects.data ?? []).map((p) => (
            <option key={p.name} value={p.name} />
          ))}
        </datalist>
      </div>
      <div className="field">
        <label htmlFor="f-status">Status</label>
        <select id="f-status" value={filters.status ?? ''} onChange={(e) => onChange({ status: (e.target.value || undefined) as RunFilters['status'] })}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-flagged">Verdict</label>
        <select id="f-flagged" value={filters.flagged === undefined ? '' : filters.flagged ? '1' : '0'} onChange={(e) => onChange({ flagged: e.target.value === '' ? undefined : e.target.value === '1' })}>
          <option value="">Any verdict</option>
          <option value="1">Flagged only</option>
          <option value="0">Not flagged</option>
        </select>
      </div>
      <ArchivedFilter value={filters.archived} onChange={(archived) => onChange({ archived })} />
      {anyFilter && (
        <button type="button" onClick={() => onChange({ search: undefined, project: undefined, status: undefined, flagged: undefined, archived: undefined })}>
          Clear filters
        </button>
      )}
    </form>
  );
}
