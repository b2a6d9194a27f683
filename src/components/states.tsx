// Loading, empty and error states, the same everywhere.
import type { ReactNode } from 'react';

export function Loading({ label = 'Loading…', rows = 4 }: { label?: string; rows?: number }) {
  return (
    <div role="status" aria-live="polite" className="panel" aria-busy="true">
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton" style={{ margin: '10px 0', width: `${90 - i * 12}%` }} />
      ))}
    </div>
  );
}

export function ErrorState({ title, error, retry }: { title: string; error: { message: string } | null | undefined; retry?: () => void }) {
  return (
    <div role="alert" className="panel state error">
      <p>
        <strong>{title}</strong>
      </p>
      {error?.message && <p className="mono">{error.message}</p>}
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="panel state">
      <p>
        <strong>{title}</strong>
      </p>
      {children}
    </div>
  );
}

export function LiveIndicator({ status }: { status: 'idle' | 'connecting' | 'pending' | 'error' }) {
  const on = status === 'pending';
  const text = on ? 'Live' : status === 'connecting' ? 'Connecting…' : status === 'error' ? 'Live updates lost; reconnecting' : 'Not live';
  return (
    <span className={`live-dot ${on ? 'on' : ''}`} role="status" aria-live="polite" data-testid="live-indicator" data-status={status}>
      {text}
    </span>
  );
}
