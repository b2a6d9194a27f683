'use client';
// The schedule preview page: a config (picked from presets or pasted) and the run's length on
// the left; on the right, what the trainer will actually do with it — the curve over optimizer
// steps on the clock it really steps the scheduler, beside the schedule as written when they
// differ, with the detector's warnings — and a log to check against it. Everything is computed
// here, in the browser: the schedule engine and the detector are pure TypeScript.
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useDebounced } from '@/components/use-debounced';
import { ErrorState } from '@/components/states';
import { buildPreview, checkLog, type Framework, type PreviewInput, type PreviewResult, PRESETS, STARTERS } from '@/lib/preview';
import { prettyJson } from '@/lib/ui/format';
import { parsePreviewUrl, previewQuery } from '@/lib/ui/preview-url';
import { ConfigForm } from './config-form';
import { LogCheck } from './log-check';
import { PreviewChart } from './preview-chart';
import { NothingYet, PreviewProblems, Unverifiable } from './preview-states';
import { PreviewSummary } from './preview-summary';
import styles from './preview.module.css';
import { useLogFile } from './use-log-file';

const FIRST = PRESETS[0];

function safePreview(input: PreviewInput): { result?: PreviewResult; crash?: Error } {
  try {
    return { result: buildPreview(input) };
  } catch (err) {
    return { crash: err as Error };
  }
}

export function PreviewView() {
  const [framework, setFramework] = useState<Framework>(FIRST.framework);
  const [texts, setTexts] = useState<Record<Framework, string>>(() => ({
    pytorch: prettyJson(STARTERS.pytorch),
    huggingface: prettyJson(STARTERS.huggingface),
    coqui: prettyJson(STARTERS.coqui),
    lightning: prettyJson(STARTERS.lightning),
  }));
  const [presetId, setPresetId] = useState(FIRST.id);
  const [stepsPerEpoch, setStepsPerEpoch] = useState(String(FIRST.stepsPerEpoch));
  const [epochs, setEpochs] = useState(String(FIRST.epochs));
  const logFile = useLogFile();
  usePreviewUrl({ framework, presetId, config: presetId ? null : texts[framework], stepsPerEpoch, epochs }, (u) => {
    const preset = u.presetId ? PRESETS.find((x) => x.id === u.presetId) : undefined;
    if (preset) return pickPreset(preset.id);
    const fw = u.framework ?? framework;
    setFramework(fw);
    setPresetId('');
    if (u.config !== undefined && u.config !== null) setTexts((t) => ({ ...t, [fw]: u.config! }));
    if (u.stepsPerEpoch !== undefined) setStepsPerEpoch(u.stepsPerEpoch);
    if (u.epochs !== undefined) setEpochs(u.epochs);
  });

  const input = useMemo(() => ({ framework, config: texts[framework], stepsPerEpoch, epochs }), [framework, texts, stepsPerEpoch, epochs]);
  // Typing stays responsive: a long run's curve is recomputed after the keystroke is drawn.
  const deferred = useDeferredValue(input);
  const { result, crash } = useMemo(() => safePreview(deferred), [deferred]);
  const ok = result?.ok ? result : undefined;
  const empty = texts[framework].trim() === '';
  const points = logFile.imported?.log?.points;
  const check = useMemo(() => (ok && !ok.unverifiable && points ? checkLog(ok, points) : undefined), [ok, points]);

  function pickPreset(id: string) {
    setPresetId(id);
    const p = PRESETS.find((x) => x.id === id);
    if (!p) return;
    setFramework(p.framework);
    setTexts((t) => ({ ...t, [p.framework]: prettyJson(p.config) }));
    setStepsPerEpoch(String(p.stepsPerEpoch));
    setEpochs(String(p.epochs));
  }

  let shown;
  if (crash) shown = <ErrorState title="Could not draw this schedule." error={crash} />;
  else if (empty) shown = <NothingYet />;
  else if (result && !result.ok) shown = <PreviewProblems errors={result.errors} />;
  else if (ok?.unverifiable) shown = <Unverifiable result={ok} />;
  else if (ok) {
    shown = (
      <>
        <PreviewSummary result={ok} />
        <PreviewChart result={ok} logged={check?.curve} logName={logFile.state.status === 'read' ? logFile.state.name : undefined} />
      </>
    );
  }
  const blocked = !ok ? 'Fix the config above to check this log against it.' : ok.unverifiable ? `${ok.spec.name} cannot be checked: ${ok.unverifiable}` : undefined;

  return (
    <>
      <div className="page-head">
        <h1>Schedule preview</h1>
        <span className="muted">What a config will do to the learning rate, before training starts.</span>
      </div>
      <div className={styles.layout}>
        <div className={styles.column}>
          <ConfigForm
            framework={framework}
            presetId={presetId}
            config={texts[framework]}
            stepsPerEpoch={stepsPerEpoch}
            epochs={epochs}
            epochsFrom={ok?.run.from ?? null}
            errors={result && !result.ok && !empty ? result.errors : []}
            onFramework={(f) => {
              setFramework(f);
              setPresetId('');
            }}
            onPreset={pickPreset}
            onConfig={(text) => {
              setTexts((t) => ({ ...t, [framework]: text }));
              setPresetId('');
            }}
            onStepsPerEpoch={setStepsPerEpoch}
            onEpochs={setEpochs}
          />
        </div>
        <div className={styles.column}>
          <div className={styles.column} aria-busy={deferred !== input} style={{ opacity: deferred !== input ? 0.7 : 1 }} data-testid="preview-result">
            {shown}
          </div>
          <LogCheck file={logFile} check={check} blocked={blocked} />
        </div>
      </div>
    </>
  );
}

/**
 * Keeps the inputs in the URL and the URL in the inputs. Picks are history entries (Back returns
 * to the previous preview); typing in the config only rewrites the current entry, a beat after
 * the last key, so Back does not step through keystrokes.
 */
function usePreviewUrl(state: Parameters<typeof previewQuery>[0], apply: (u: ReturnType<typeof parsePreviewUrl>) => void) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const current = params?.toString() ?? '';
  const want = previewQuery(state);
  const [initial] = useState(want);
  const applied = useRef<string | null>(null);
  const typing = useRef(false);
  const prevConfig = useRef(state.config);
  if (state.config !== prevConfig.current) {
    typing.current = state.presetId === '' && state.config !== null;
    prevConfig.current = state.config;
  }
  useEffect(() => {
    if (current === applied.current || current === '') return;
    applied.current = current;
    apply(parsePreviewUrl(new URLSearchParams(current)));
    // Only a new URL (Back, Forward, a shared link) is applied.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current]);
  const settled = useDebounced(want, 400);
  const mounted = useRef(false);
  useEffect(() => {
    // On arrival the URL is read, not written (a shared link must not be replaced by the defaults).
    if (!mounted.current) {
      mounted.current = true;
      return;
    }
    if (settled === current || (current === '' && settled === initial)) return;
    applied.current = settled;
    const href = `${pathname}?${settled}`;
    if (typing.current) router.replace(href, { scroll: false });
    else router.push(href, { scroll: false });
    typing.current = false;
    // Writes only when the inputs settle on something new.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settled]);
}
