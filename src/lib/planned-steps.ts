// How many optimizer steps a run is planned to take, read from its free-form config in the
// names trainers use (Hugging Face max_steps / num_train_epochs, Lightning max_epochs, Coqui
// epochs, ...). Lets the detector warn that a schedule's change lies past the run's end.

const STEP_KEYS = ['max_steps', 'num_training_steps', 'total_steps', 'maxSteps', 'totalSteps'];
const EPOCH_KEYS = ['epochs', 'num_train_epochs', 'max_epochs', 'num_epochs', 'maxEpochs'];

export function plannedSteps(config: unknown, stepsPerEpoch: number | null | undefined): number | undefined {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return undefined;
  const c = config as Record<string, unknown>;
  const positive = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
  for (const key of STEP_KEYS) {
    const v = positive(c[key]);
    if (v !== undefined) return Math.round(v);
  }
  if (!stepsPerEpoch) return undefined;
  for (const key of EPOCH_KEYS) {
    const v = positive(c[key]);
    if (v !== undefined) return Math.round(v * stepsPerEpoch);
  }
  return undefined;
}
