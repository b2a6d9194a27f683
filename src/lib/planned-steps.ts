// How many optimizer steps a run is planned to take, read from its free-form config wherever the
// integrations put it: under the framework's own key (the Lightning callback sends
// `config.lightning.max_epochs`/`max_steps`; `huggingface`, `trainer`, `coqui` are read the same
// way), else at the top level (Hugging Face's TrainingArguments, Coqui's `epochs`). Lets the
// detector warn that a schedule's change lies past the run's end ("the LR will never change").

const STEP_KEYS = ['max_steps', 'num_training_steps', 'total_steps', 'maxSteps', 'totalSteps'];
const EPOCH_KEYS = ['epochs', 'num_train_epochs', 'max_epochs', 'num_epochs', 'maxEpochs'];

/**
 * The framework sections, most specific first. Lightning stops at whichever of max_steps and
 * max_epochs runs out first; Hugging Face's max_steps overrides its epochs, as does a step
 * budget anywhere else.
 */
const SECTIONS: { key: string; both: 'min' | 'steps' }[] = [
  { key: 'lightning', both: 'min' },
  { key: 'huggingface', both: 'steps' },
  { key: 'trainer', both: 'steps' },
  { key: 'coqui', both: 'steps' },
];

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
// -1 is "unset" to Lightning and Hugging Face (and max_epochs -1 "train forever"): not a budget.
const positive = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
const firstOf = (c: Obj, keys: string[]) => keys.map((k) => positive(c[k])).find((v) => v !== undefined);

export function plannedSteps(config: unknown, stepsPerEpoch: number | null | undefined): number | undefined {
  if (!isObject(config)) return undefined;
  for (const { key, both } of SECTIONS) {
    const section = config[key];
    const v = isObject(section) ? plannedIn(section, stepsPerEpoch, both) : undefined;
    if (v !== undefined) return v;
  }
  return plannedIn(config, stepsPerEpoch, 'steps');
}

function plannedIn(c: Obj, stepsPerEpoch: number | null | undefined, both: 'min' | 'steps'): number | undefined {
  const steps = firstOf(c, STEP_KEYS);
  const epochs = firstOf(c, EPOCH_KEYS);
  const fromEpochs = epochs !== undefined && stepsPerEpoch ? epochs * stepsPerEpoch : undefined;
  const planned = steps !== undefined && fromEpochs !== undefined && both === 'min' ? Math.min(steps, fromEpochs) : (steps ?? fromEpochs);
  return planned === undefined ? undefined : Math.round(planned);
}
