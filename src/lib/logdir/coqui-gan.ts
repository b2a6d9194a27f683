// Coqui's GAN models (a config with lr_gen / lr_disc): which logged optimizer (current_lr_0,
// current_lr_1) is the generator, and which scheduler settings drive each — only where the code
// that trained them says so for certain, since a wrong guess is a false alarm.
//
// The GAN vocoders (a config naming generator_model and discriminator_model: HiFi-GAN, MelGAN,
// UnivNet, ... all built on TTS/vocoder/models/gan.py) list their optimizers discriminator first,
// [disc, gen], in coqui-ai/TTS and in the idiap fork alike. Their schedulers are not the same in
// both: coqui-ai builds lr_scheduler_gen on optimizer[0] (the discriminator's) and
// lr_scheduler_disc on optimizer[1]; the idiap fork builds each on its own optimizer. config.json
// does not say which one wrote it, so the schedules are checked only when both settings are the
// same (then each optimizer follows them from its own lr_gen / lr_disc either way).
// Other models with lr_gen / lr_disc (VITS and its kin) changed their order between versions
// ([gen, disc] in early VITS, [disc, gen] later): their optimizers keep their index as name and
// get no schedule.

/** JSON with every object's keys sorted: two settings are the same whatever order they were written in. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_key, x: unknown) => (typeof x === 'object' && x !== null && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));

export interface GanOptimizer {
  name: string;
  /** The optimizer's scheduler as a one-optimizer Coqui config (lr, lr_scheduler, ...), when certain. */
  config?: Record<string, unknown>;
}

export interface CoquiGan {
  /** Names by the optimizer's index in the log ("0" → "disc"); empty when the order is not known. */
  names: Record<string, string>;
  /** The trainer's optimizers in its order (the first is the point's lr). */
  optimizers: GanOptimizer[];
  notes: string[];
}

export function isCoquiGan(config: Record<string, unknown>): boolean {
  return 'lr_gen' in config && 'lr_disc' in config;
}

const isGanVocoder = (c: Record<string, unknown>) => typeof c.generator_model === 'string' && typeof c.discriminator_model === 'string';

function settings(config: Record<string, unknown>, role: 'gen' | 'disc') {
  return { name: config[`lr_scheduler_${role}`] ?? null, params: config[`lr_scheduler_${role}_params`] ?? {} };
}

/** Why the schedules cannot be told apart for certain, or undefined when they can. */
function uncertain(config: Record<string, unknown>): string | undefined {
  const gen = settings(config, 'gen');
  const disc = settings(config, 'disc');
  if (canonical(gen) !== canonical(disc)) {
    return 'lr_scheduler_gen and lr_scheduler_disc differ, and which optimizer each drives depends on the Coqui version (coqui-ai builds lr_scheduler_gen on the discriminator\'s optimizer, the idiap fork on the generator\'s)';
  }
  // Stepped per step, a scheduler is stepped with its optimizer: the one stepped with the
  // discriminator's (which differs between versions) waits for it to start.
  const start = config.steps_to_start_discriminator;
  if (config.scheduler_after_epoch === false && typeof start === 'number' && start > 0) {
    return `scheduler_after_epoch is false and the discriminator starts at step ${start}: which optimizer's scheduler waits for it depends on the Coqui version`;
  }
  if (gen.name === null) return 'no lr_scheduler_gen / lr_scheduler_disc: the LRs are meant to stay constant';
  return undefined;
}

/** undefined when the config is not a Coqui GAN config (no lr_gen / lr_disc). */
export function coquiGan(config: Record<string, unknown>): CoquiGan | undefined {
  if (!isCoquiGan(config)) return undefined;
  if (!isGanVocoder(config)) {
    const model = typeof config.model === 'string' ? ` (${config.model})` : '';
    return {
      names: {},
      optimizers: [{ name: '0' }, { name: '1' }],
      notes: [`a GAN config${model}: which of current_lr_0 / current_lr_1 is the generator differs between versions of the model, so each optimizer's LR is charted under its index and its schedule is not checked`],
    };
  }
  const why = uncertain(config);
  const own = (role: 'gen' | 'disc'): GanOptimizer => ({
    name: role,
    ...(why === undefined && {
      config: {
        lr: config[`lr_${role}`],
        lr_scheduler: config[`lr_scheduler_${role}`],
        lr_scheduler_params: config[`lr_scheduler_${role}_params`] ?? {},
        ...('scheduler_after_epoch' in config && { scheduler_after_epoch: config.scheduler_after_epoch }),
        ...('epochs' in config && { epochs: config.epochs }),
      },
    }),
  });
  return {
    names: { '0': 'disc', '1': 'gen' },
    optimizers: [own('disc'), own('gen')],
    notes: why === undefined ? [] : [`a GAN vocoder: the LRs of disc (current_lr_0) and gen (current_lr_1) are charted, their schedules not checked: ${why}`],
  };
}
