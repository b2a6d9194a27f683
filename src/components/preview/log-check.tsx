'use client';
// "Check a log against this schedule": a CSV, JSON-lines, JSON or TensorBoard file read in the
// browser, its columns mapped (automatically, or by the user), and the detector's verdict on its
// LR against the previewed schedule. Nothing is uploaded.
import { useRef, useState } from 'react';
import { VerdictPanel } from '@/components/run/verdict-panel';
import { Loading } from '@/components/states';
import type { Field } from '@/lib/import';
import type { LogCheck as Check } from '@/lib/preview';
import { formatStep } from '@/lib/ui/format';
import styles from './preview.module.css';
import { FIELD_LABELS, type useLogFile } from './use-log-file';

const MAPPED: Field[] = ['step', 'lr', 'loss', 'epoch'];
const AUTO = '\u0000auto';
const NONE = '\u0000none';

export function LogCheck({ file, check, blocked }: { file: ReturnType<typeof useLogFile>; check?: Check; blocked?: string }) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const { state, imported, map } = file;
  const columns = state.status === 'read' ? state.table.columns : [];
  const mapping = imported?.log?.mapping ?? {};

  return (
    <section className="panel" aria-labelledby="log-title" data-testid="log-check">
      <h2 id="log-title">Check a log against this schedule</h2>
      <div
        className={`${styles.drop} ${over ? styles.over : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          const f = e.dataTransfer.files[0];
          if (input.current) input.current.value = '';
          if (f) void file.load(f);
        }}
      >
        <div className="row">
          <label htmlFor="log-file" style={{ color: 'var(--text)' }}>
            Log file
          </label>
          <input
            id="log-file"
            ref={input}
            className={styles.file}
            type="file"
            aria-describedby="log-hint"
            data-testid="log-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void file.load(f);
            }}
          />
          {state.status !== 'idle' && (
            <button
              type="button"
              onClick={() => {
                // The input keeps the chosen file's name until it is emptied too.
                if (input.current) input.current.value = '';
                file.clear();
              }}
            >
              Clear
            </button>
          )}
        </div>
        <p id="log-hint" className={styles.hint}>
          CSV or JSON lines with step and LR columns (Lightning&apos;s metrics.csv, Hugging Face logs), trainer_state.json, or a TensorBoard event file (events.out.tfevents.*). Or drop it here. It is read in your browser; nothing is uploaded.
          For a permanent run, use <code>npx lrscope import FILE</code>.
        </p>
      </div>

      {state.status === 'reading' && <Loading label={`Reading ${state.name}…`} rows={2} />}
      {state.status === 'failed' && (
        <p className={styles.error} role="alert" data-testid="log-error">
          {state.name}: {state.message}
        </p>
      )}
      {state.status === 'read' && (
        <>
          <p className="muted" style={{ margin: '10px 0 0' }} data-testid="log-summary">
            {state.name}: {state.table.format === 'tensorboard' ? 'TensorBoard event file' : state.table.format.toUpperCase()}, {formatStep(state.table.rows.length)} rows
            {imported?.log ? ` → ${formatStep(imported.log.points.length)} points` : ''}.
          </p>
          <div className={styles.mapping}>
            {MAPPED.map((field) => {
              const chosen = map[field];
              const value = chosen === undefined ? AUTO : chosen === null ? NONE : chosen;
              return (
                <div className="field" key={field}>
                  <label htmlFor={`map-${field}`}>{FIELD_LABELS[field]} column</label>
                  <select
                    id={`map-${field}`}
                    value={value}
                    onChange={(e) => file.choose(field, e.target.value === AUTO ? undefined : e.target.value === NONE ? null : e.target.value)}
                    data-testid={`map-${field}`}
                  >
                    <option value={AUTO}>Automatic{chosen === undefined && mapping[field] ? `: ${mapping[field]}` : ''}</option>
                    {field !== 'step' && field !== 'lr' && <option value={NONE}>None</option>}
                    {columns.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                </div>
              );
            })}
          </div>
          {imported?.error && (
            <p className={styles.error} role="alert" data-testid="log-error">
              {imported.error}
            </p>
          )}
          {imported?.log && imported.log.notes.length > 0 && (
            <ul className={styles.notes}>
              {imported.log.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          {imported?.log && blocked && (
            <p className="muted" data-testid="log-blocked">
              {blocked}
            </p>
          )}
          {check && (
            <div style={{ marginTop: 12 }}>
              <VerdictPanel verdict={check.verdict} />
            </div>
          )}
        </>
      )}
    </section>
  );
}
