// Which framework a schedule comes from, so the fix is given in the user's own words.
import type { ScheduleSpec } from '../schedules/types';

export type Framework = 'coqui' | 'huggingface' | 'pytorch';

const COQUI = new Set(['StepwiseGradualLR', 'NoamLR']);

export function frameworkOf(spec: ScheduleSpec): Framework {
  if (COQUI.has(spec.name)) return 'coqui';
  // Hugging Face names its schedules in lower case (`lr_scheduler_type`); PyTorch's are classes.
  if (/^[a-z_]+$/.test(spec.name)) return 'huggingface';
  return 'pytorch';
}
