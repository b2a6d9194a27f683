'use client';

export default function PageError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <div role="alert" className="panel state error">
      <p>
        <strong>This page failed to render.</strong>
      </p>
      <p className="mono">{error.message}</p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
