'use client';
// Managing a run from its page: rename, tags, notes (Markdown), the CSV of its points, archive,
// and delete after a confirmation that names the run and its point count. Edits reach other open
// pages through the live feeds.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { ConfirmDelete } from '@/components/confirm-delete';
import { Markdown } from '@/components/markdown';
import { useTRPC } from '@/trpc/client';
import type { Run } from '@/trpc/types';
import styles from './run-manage.module.css';

type Editing = null | 'name' | 'tags' | 'notes';

export function RunManage({ run }: { run: Run }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [editing, setEditing] = useState<Editing>(null);
  const [draft, setDraft] = useState('');
  const [confirming, setConfirming] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ id: run.id }) });
  const update = useMutation(trpc.runs.update.mutationOptions({ onSuccess: () => (setEditing(null), refresh()) }));
  const archive = useMutation(trpc.runs.archive.mutationOptions({ onSuccess: () => refresh() }));
  const remove = useMutation(trpc.runs.delete.mutationOptions({ onSuccess: () => router.push('/') }));
  const error = update.error ?? archive.error ?? remove.error;

  const start = (what: Exclude<Editing, null>) => {
    update.reset();
    setEditing(what);
    setDraft(what === 'name' ? run.name : what === 'tags' ? run.tags.join(', ') : (run.notes ?? ''));
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (editing === 'name') update.mutate({ runId: run.id, name: draft });
    else if (editing === 'tags') update.mutate({ runId: run.id, tags: draft.split(',').map((t) => t.trim()).filter(Boolean) });
    else if (editing === 'notes') update.mutate({ runId: run.id, notes: draft.trim() ? draft : null });
  };
  const formButtons = (
    <div className="row">
      <button type="submit" className="primary" disabled={update.isPending}>
        {update.isPending ? 'Saving…' : 'Save'}
      </button>
      <button type="button" onClick={() => setEditing(null)}>
        Cancel
      </button>
    </div>
  );

  return (
    <section className="panel" aria-labelledby="manage-title" data-testid="run-manage">
      <div className="row">
        <h2 id="manage-title" style={{ margin: 0 }}>
          Notes
        </h2>
        {run.archivedAt && (
          <span className="badge" data-testid="archived-badge">
            Archived
          </span>
        )}
        <span className={styles.spacer} />
        <a className="button" href={`/api/runs/${run.id}/points.csv`} download data-testid="points-csv">
          Download points as CSV
        </a>
        <button type="button" onClick={() => start('name')}>
          Rename
        </button>
        <button type="button" onClick={() => start('tags')}>
          Edit tags
        </button>
        <button type="button" onClick={() => archive.mutate({ runId: run.id, archived: !run.archivedAt })} disabled={archive.isPending}>
          {run.archivedAt ? 'Unarchive' : 'Archive'}
        </button>
        <button type="button" className={styles.danger} onClick={() => (remove.reset(), setConfirming(true))}>
          Delete…
        </button>
      </div>

      {editing === 'name' && (
        <form onSubmit={save} className={styles.stack}>
          <label htmlFor="run-name-input">Run name</label>
          <input id="run-name-input" type="text" value={draft} onChange={(e) => setDraft(e.target.value)} maxLength={200} autoFocus required />
          {formButtons}
        </form>
      )}
      {editing === 'tags' && (
        <form onSubmit={save} className={styles.stack}>
          <label htmlFor="run-tags-input">Tags, separated by commas</label>
          <input id="run-tags-input" type="text" value={draft} onChange={(e) => setDraft(e.target.value)} autoFocus />
          {formButtons}
        </form>
      )}
      {editing === 'notes' ? (
        <form onSubmit={save} className={styles.stack}>
          <label htmlFor="run-notes-input">Notes (Markdown: # headings, **bold**, *italic*, `code`, - lists, [links](https://…))</label>
          <textarea id="run-notes-input" rows={8} value={draft} onChange={(e) => setDraft(e.target.value)} maxLength={20_000} autoFocus />
          {formButtons}
        </form>
      ) : (
        <div data-testid="run-notes" className={styles.notes}>
          {run.notes ? <Markdown source={run.notes} /> : <p className="muted">No notes yet: what was this run for, and what did it show?</p>}
          <button type="button" onClick={() => start('notes')}>
            {run.notes ? 'Edit notes' : 'Add notes'}
          </button>
        </div>
      )}

      {confirming && (
        <ConfirmDelete title="Delete this run?" confirmLabel={`Delete “${run.name}”`} pending={remove.isPending} onConfirm={() => remove.mutate({ runId: run.id })} onCancel={() => setConfirming(false)} testId="delete-confirm">
          Run “{run.name}” and its {run.pointCount.toLocaleString('en-US')} points, metrics and alerts will be deleted for good. Archive it instead to only hide it.
        </ConfirmDelete>
      )}
      {error && (
        <p role="alert" className={styles.errorText}>
          {error.message}
        </p>
      )}
    </section>
  );
}
