// The question asked before anything is deleted for good: what goes (named, with its points),
// a button that says what it deletes, and Cancel.
import type { ReactNode } from 'react';

export function ConfirmDelete(p: { title: string; children: ReactNode; confirmLabel: string; pending: boolean; onConfirm: () => void; onCancel: () => void; testId: string }) {
  return (
    <div role="alertdialog" aria-labelledby={`${p.testId}-title`} aria-describedby={`${p.testId}-what`} className="panel" data-testid={p.testId} style={{ borderColor: 'var(--bad)', marginTop: 10, flexBasis: '100%' }}>
      <h3 id={`${p.testId}-title`} style={{ marginTop: 0 }}>
        {p.title}
      </h3>
      <p id={`${p.testId}-what`}>{p.children}</p>
      <div className="row">
        <button type="button" style={{ color: 'var(--bad)', borderColor: 'var(--bad)' }} onClick={p.onConfirm} disabled={p.pending} autoFocus>
          {p.pending ? 'Deleting…' : p.confirmLabel}
        </button>
        <button type="button" onClick={p.onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
