'use client';
// The preview's input: framework, preset, the config as JSON, steps per epoch and epochs, each
// with its own error beside it.
import { FRAMEWORKS, type Framework, type PreviewError, type PreviewField, PRESETS } from '@/lib/preview';
import styles from './preview.module.css';

export interface ConfigFormProps {
  framework: Framework;
  presetId: string;
  config: string;
  stepsPerEpoch: string;
  epochs: string;
  /** Set when the config decides the run's length itself (e.g. "max_steps"). */
  epochsFrom: string | null;
  errors: PreviewError[];
  onFramework(f: Framework): void;
  onPreset(id: string): void;
  onConfig(text: string): void;
  onStepsPerEpoch(text: string): void;
  onEpochs(text: string): void;
}

function FieldError({ id, errors, field }: { id: string; errors: PreviewError[]; field: PreviewField }) {
  const e = errors.find((x) => x.field === field);
  // Always rendered, so screen readers hear a new error without moving focus.
  return (
    <p id={id} className={e ? styles.error : 'sr-only'} aria-live="polite" data-testid={`${field}-error`}>
      {e?.message ?? ''}
    </p>
  );
}

export function ConfigForm(p: ConfigFormProps) {
  const hint = FRAMEWORKS.find((f) => f.id === p.framework)!.hint;
  const invalid = (field: PreviewField) => p.errors.some((e) => e.field === field);
  return (
    <section className={`panel ${styles.form}`} aria-labelledby="config-title">
      <h2 id="config-title" style={{ margin: 0 }}>
        Config
      </h2>
      <div className="field">
        <label htmlFor="preset">Preset</label>
        <select id="preset" className={styles.select} value={p.presetId} onChange={(e) => p.onPreset(e.target.value)} data-testid="preset">
          <option value="">Your own config</option>
          {PRESETS.map((preset) => (
            <option key={preset.id} value={preset.id}>
              {preset.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <span id="framework-label">Framework</span>
        <div className="seg" role="group" aria-labelledby="framework-label" style={{ alignSelf: 'flex-start' }}>
          {FRAMEWORKS.map((f) => (
            <button key={f.id} type="button" aria-pressed={p.framework === f.id} onClick={() => p.onFramework(f.id)}>
              {f.label}
            </button>
          ))}
        </div>
      </div>
      <div className="field">
        <label htmlFor="config">Config (JSON)</label>
        <p id="config-hint" className={styles.hint}>
          {hint}
        </p>
        <textarea
          id="config"
          className={styles.textarea}
          value={p.config}
          rows={Math.min(24, Math.max(10, p.config.split('\n').length + 1))}
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          aria-invalid={invalid('config')}
          aria-describedby="config-hint config-error"
          onChange={(e) => p.onConfig(e.target.value)}
          data-testid="config"
        />
        <FieldError id="config-error" errors={p.errors} field="config" />
      </div>
      <div className={styles.pair}>
        <div className="field">
          <label htmlFor="steps-per-epoch">Steps per epoch</label>
          <input
            id="steps-per-epoch"
            className={styles.input}
            type="text"
            inputMode="numeric"
            value={p.stepsPerEpoch}
            aria-invalid={invalid('stepsPerEpoch')}
            aria-describedby="spe-hint stepsPerEpoch-error"
            onChange={(e) => p.onStepsPerEpoch(e.target.value)}
          />
          <p id="spe-hint" className={styles.hint}>
            Optimizer steps (batches ÷ accumulation)
          </p>
          <FieldError id="stepsPerEpoch-error" errors={p.errors} field="stepsPerEpoch" />
        </div>
        <div className="field">
          <label htmlFor="epochs">Epochs</label>
          <input
            id="epochs"
            className={styles.input}
            type="text"
            inputMode="decimal"
            value={p.epochsFrom ? '' : p.epochs}
            placeholder={p.epochsFrom ? `set by ${p.epochsFrom}` : undefined}
            disabled={p.epochsFrom !== null}
            aria-invalid={invalid('epochs')}
            aria-describedby="epochs-hint epochs-error"
            onChange={(e) => p.onEpochs(e.target.value)}
          />
          <p id="epochs-hint" className={styles.hint}>
            {p.epochsFrom ? `The config's ${p.epochsFrom} sets the length` : 'How long to preview'}
          </p>
          <FieldError id="epochs-error" errors={p.errors} field="epochs" />
        </div>
      </div>
    </section>
  );
}
