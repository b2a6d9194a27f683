// The verdict of a run with several optimizers: the worst of its optimizers' verdicts, naming
// that optimizer, with every optimizer's own verdict beside it. Pure.
import type { Verdict, VerdictKind } from '../verdict';

// Worst first: a flag beats everything; a schedule that cannot be checked is worth saying over
// "ok"; "not checked yet" and "no schedule" only when no optimizer has more to say.
const RANK: Record<VerdictKind, number> = { flagged: 4, unverifiable: 3, ok: 2, unknown: 1, no_schedule: 0 };

/** Verdicts in the run's optimizer order (at least one). */
export function combineVerdicts(byOptimizer: readonly (readonly [string, Verdict])[]): Verdict {
  let [worstName, worst] = byOptimizer[0];
  for (const [name, v] of byOptimizer) {
    if (RANK[v.kind] > RANK[worst.kind]) [worstName, worst] = [name, v];
  }
  const named = (name: string, text: string) => `optimizer ${name}: ${text}`;
  const combined: Verdict = {
    ...worst,
    causes: [...worst.causes],
    message: named(worstName, worst.message),
    warnings: byOptimizer.flatMap(([name, v]) => v.warnings.map((w) => named(name, w))),
    optimizers: Object.fromEntries(byOptimizer.map(([name, v]) => [name, v])),
    optimizer: worstName,
  };
  if (worst.explanation !== undefined) combined.explanation = named(worstName, worst.explanation);
  return combined;
}
