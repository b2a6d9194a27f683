'use client';
// Where a log-directory run's points come from: the folder, where its schedule was read, and each
// file read — bytes read of its size, when, and records that could not be read (never silent).
// Nothing for a run sent through the API.
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { formatAgo, formatDateTime } from '@/lib/ui/format';
import { formatBytes } from '@/lib/ui/format-bytes';
import { useTRPC } from '@/trpc/client';

/** `version` changes whenever the run does (live), so the panel follows the files as they are read. */
export function SourcePanel({ runId, version }: { runId: number; version: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.sources.get.queryOptions({ runId }));
  const { refetch } = q;
  useEffect(() => {
    void refetch();
  }, [version, refetch]);
  const s = q.data;
  if (!s) return null;
  const errors = s.files.reduce((n, f) => n + f.errors, 0);
  return (
    <section className="panel" aria-labelledby="source-title" data-testid="source-panel" data-errors={errors} style={{ marginTop: 12 }}>
      <h2 id="source-title">Source</h2>
      <p style={{ marginTop: 0 }}>
        Read from <code>{s.path === '.' ? s.logdir : `${s.logdir}/${s.path}`}</code>. Schedule:{' '}
        {s.scheduleFrom ? <strong>{s.scheduleFrom}</strong> : <span>none found beside the logs (lrscope.json, Coqui config.json, TrainingArguments, hparams.yaml): the LR is charted, not checked.</span>}
      </p>
      {s.notes.length > 0 && (
        <ul className="muted" data-testid="source-notes">
          {s.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <div className="table-wrap">
        <table className="runs" aria-label="Files read">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Read</th>
              <th scope="col">Last read</th>
              <th scope="col">Errors</th>
            </tr>
          </thead>
          <tbody>
            {s.files.map((f) => (
              <tr key={f.path}>
                <td>
                  <code>{f.path}</code> <span className="muted">({f.kind})</span>
                </td>
                <td>
                  {formatBytes(f.bytesRead)} of {formatBytes(f.size)}
                </td>
                <td title={formatDateTime(f.readAt)}>{formatAgo(f.readAt, Date.now())}</td>
                <td data-testid="source-errors">{f.errors ? `${f.errors.toLocaleString('en-US')}: ${f.lastError}` : 'none'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
