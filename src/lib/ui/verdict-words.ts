// The verdict in plain words for badges and the verdict panel: what is wrong, since when, the
// likely cause and the fix. The detector's own message is shown too; this adds the headline
// and the structure. Pure.
import type { Cause, Verdict } from '../verdict';
import { formatLr, formatStep } from './format';

export type BadgeTone = 'ok' | 'bad' | 'muted' | 'pending';

export interface VerdictBadge {
  tone: BadgeTone;
  /** Short text shown on the badge (never colour alone). */
  label: string;
  /** Longer text for a tooltip or screen readers. */
  title: string;
}

/** Short cause names for badges. */
export const CAUSE_SHORT: Record<Cause, string> = {
  stuck: 'LR stuck',
  never_stepped: 'schedule not taking effect',
  stepped_per_epoch: 'stepped per epoch',
  stepped_per_step: 'stepped per batch',
  stepped_too_often: 'stepped too often',
  restarted: 'schedule restarted',
  overridden: 'LR overridden',
  mismatch: 'LR off schedule',
};

const CAUSE_TEXT: Record<Cause, { cause: string; fix: string }> = {
  stuck: {
    cause: 'The LR stays flat where the configured schedule changes it.',
    fix: 'Check that scheduler.step() runs as often as the schedule assumes, and that nothing resets the LR.',
  },
  never_stepped: {
    cause: 'scheduler.step() never seems to run: the LR has not moved from its starting value.',
    fix: 'Call scheduler.step() in the training loop (after optimizer.step()), or pass the scheduler to your trainer.',
  },
  stepped_per_epoch: {
    cause: 'The schedule is written in optimizer steps, but the scheduler is advanced once per epoch, so its counter is far behind.',
    fix: 'Step the scheduler after every optimizer step (Coqui: scheduler_after_epoch=False), or use an epoch-based schedule.',
  },
  stepped_per_step: {
    cause: 'The schedule is written in epochs, but the scheduler is advanced after every batch, so it runs far ahead.',
    fix: 'Call scheduler.step() once per epoch, or rewrite the schedule in steps (multiply its milestones by the steps per epoch).',
  },
  stepped_too_often: {
    cause: 'The scheduler is advanced several times per optimizer step (often gradient accumulation: stepping per micro-batch).',
    fix: 'Call scheduler.step() only when optimizer.step() runs.',
  },
  restarted: {
    cause: 'The LR jumps back to the start of the schedule (a scheduler re-created, or a resumed run without its scheduler state).',
    fix: "Save and load the scheduler's state_dict with the checkpoint, and create the scheduler once.",
  },
  overridden: {
    cause: 'The LR is being set by hand (param_group["lr"] = ...) over the schedule.',
    fix: 'Remove the manual assignment, or describe that logic as the schedule.',
  },
  mismatch: {
    cause: 'The logged LR does not follow the configured schedule, and no single known mistake explains it.',
    fix: 'Compare the configured schedule (below) with the scheduler your code builds: class, parameters, base LR, warm-up.',
  },
};

export function verdictBadge(v: Verdict): VerdictBadge {
  switch (v.kind) {
    case 'ok':
      return { tone: 'ok', label: 'OK', title: 'The LR follows the configured schedule.' };
    case 'flagged': {
      // The badge names the cause; "stuck" is the symptom, shown only when nothing explains it.
      const cause = v.causes.find((c) => c !== 'stuck') ?? v.causes[0];
      const label = cause ? `Flagged: ${CAUSE_SHORT[cause]}` : 'Flagged';
      return { tone: 'bad', label, title: v.message };
    }
    case 'unverifiable':
      return { tone: 'muted', label: 'Unverifiable', title: v.message || 'This schedule depends on code or metrics lrscope cannot see.' };
    case 'no_schedule':
      return { tone: 'muted', label: 'No schedule', title: v.message };
    default:
      return { tone: 'pending', label: 'Not checked yet', title: v.message };
  }
}

export interface VerdictExplanation {
  /** One line: what is wrong ("The LR is stuck at 5e-4"), or that all is well. */
  headline: string;
  /** "Since step 10,000: the schedule asks for 4e-4, the run uses 5e-4." */
  since?: string;
  causes: { code: Cause; name: string; cause: string; fix: string }[];
  /** The detector's own words. */
  message: string;
  warnings: string[];
}

export function explainVerdict(v: Verdict): VerdictExplanation {
  const base = { message: v.message, warnings: v.warnings ?? [], causes: [] as VerdictExplanation['causes'] };
  if (v.kind !== 'flagged') {
    const headline =
      v.kind === 'ok'
        ? 'The LR follows the configured schedule.'
        : v.kind === 'unverifiable'
          ? 'This schedule cannot be checked: its LR depends on code or metrics lrscope does not see.'
          : v.kind === 'no_schedule'
            ? 'No schedule configured: the LR is plotted but not checked.'
            : 'Not checked yet: waiting for points.';
    return { ...base, headline };
  }
  // "stuck" is the symptom the headline already states; list it only when no cause explains it.
  // The detector's own explanation and fix (in the run's framework's words) beat the generic text.
  const codes = v.causes.length > 1 ? v.causes.filter((c) => c !== 'stuck') : v.causes;
  const causes = codes.map((code, i) => ({
    code,
    name: CAUSE_SHORT[code],
    cause: i === 0 && v.explanation ? v.explanation : CAUSE_TEXT[code].cause,
    fix: i === 0 && v.fix ? v.fix : CAUSE_TEXT[code].fix,
  }));
  let headline: string;
  if (v.causes.includes('stuck') && v.actual !== undefined) headline = `The LR is stuck at ${formatLr(v.actual)}.`;
  else if (v.causes.includes('never_stepped')) headline = `The schedule is not taking effect${v.actual !== undefined ? `: the LR stays at ${formatLr(v.actual)}` : ''}.`;
  else if (v.causes.includes('stepped_per_epoch')) headline = 'The scheduler is stepped per epoch, not per step.';
  else if (v.causes.includes('stepped_per_step')) headline = 'The scheduler is stepped per batch, not per epoch.';
  else if (v.causes.includes('stepped_too_often')) headline = 'The scheduler is stepped too often.';
  else if (v.causes.includes('restarted')) headline = 'The schedule restarted from its beginning.';
  else if (v.causes.includes('overridden')) headline = 'The LR is being overridden by hand.';
  else headline = 'The LR does not follow the configured schedule.';
  let since: string | undefined;
  if (v.firstBadStep !== undefined) {
    since = `Since step ${formatStep(v.firstBadStep)}`;
    if (v.expected !== undefined && v.actual !== undefined) since += `: the schedule asks for ${formatLr(v.expected)}, the run uses ${formatLr(v.actual)}.`;
    else since += '.';
  }
  return { ...base, headline, since, causes };
}
