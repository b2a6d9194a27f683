// The preview's states other than a curve: nothing pasted yet, a config with problems (each a
// link to its field), and a schedule that cannot be drawn.
import { Empty } from '@/components/states';
import type { PreviewError, PreviewOk } from '@/lib/preview';

const FIELD_IDS = { config: 'config', stepsPerEpoch: 'steps-per-epoch', epochs: 'epochs' } as const;

export function NothingYet() {
  return (
    <Empty title="Nothing to preview yet.">
      <p>Paste a config on the left, or pick a preset, to see the learning rate it will produce.</p>
    </Empty>
  );
}

export function PreviewProblems({ errors }: { errors: PreviewError[] }) {
  return (
    <Empty title="Fix the config to see its curve.">
      <ul style={{ textAlign: 'left', display: 'inline-block', margin: 0 }} data-testid="preview-errors">
        {errors.map((e) => (
          <li key={e.field + e.message}>
            <a href={`#${FIELD_IDS[e.field]}`}>{e.message}</a>
          </li>
        ))}
      </ul>
    </Empty>
  );
}

export function Unverifiable({ result }: { result: PreviewOk }) {
  return (
    <section className="panel" data-testid="preview-unverifiable">
      <h2>{result.spec.name} cannot be drawn ahead of time</h2>
      <p>{result.unverifiable}</p>
      <p className="muted" style={{ marginBottom: 0 }}>
        {result.cadence}
      </p>
    </section>
  );
}
