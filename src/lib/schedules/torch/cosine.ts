// CosineAnnealingLR and CosineAnnealingWarmRestarts (PyTorch 1.13).
import { always, define } from '../definition';
import { integer, number, optional, required } from '../params';
import { replay } from '../replay';
import { LRScheduler, torchKeywords, type ParamGroup } from './scheduler';

/**
 * CosineAnnealingLR's step() does not evaluate the cosine at n: it scales the current LR by
 * (1 + cos(πn/T)) / (1 + cos(π(n−1)/T)), except right after each trough, where it adds
 * (η0 − ηmin)(1 − cos(π/T))/2 (the ratio would be 0/0 there). Past T_max it keeps going, back
 * up to η0 with period 2·T_max, and inside ChainedScheduler the additive step does not scale with
 * the other children's factors. This model replays exactly that.
 */
class CosineAnnealingLRModel extends LRScheduler {
  private memoN = Number.NaN;
  private memoCos = Number.NaN;

  constructor(
    group: ParamGroup,
    private readonly tMax: number,
    private readonly etaMin: number,
  ) {
    super(group);
    this.init();
  }

  /** cos(π·k / T_max), remembered for one step: the ratio's denominator is the previous numerator. */
  private cosAt(k: number): number {
    if (k === this.memoN) return this.memoCos;
    this.memoN = k;
    this.memoCos = Math.cos((Math.PI * k) / this.tMax);
    return this.memoCos;
  }

  protected getLr(): number {
    const n = this.lastEpoch;
    const { tMax, etaMin } = this;
    if (n === 0) return this.group.lr;
    if (this.stepCount === 1 && n > 0) return etaMin + ((this.baseLr - etaMin) * (1 + Math.cos((n * Math.PI) / tMax))) / 2;
    // Python's % differs from JS's for negative operands, but never in whether the result is 0.
    if ((n - 1 - tMax) % (2 * tMax) === 0) return this.group.lr + ((this.baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    const before = this.cosAt(n - 1);
    return ((1 + this.cosAt(n)) / (1 + before)) * (this.group.lr - etaMin) + etaMin;
  }

  protected closedFormLr(): number {
    return closedCosine(this.baseLr, this.etaMin, this.tMax, this.lastEpoch);
  }

  /** Puts the model at n = T_max, where step()'s ratio is exactly 0 and the LR exactly eta_min, whatever came before. */
  atFirstTrough(): this {
    this.lastEpoch = this.tMax;
    this.group.lr = this.etaMin;
    return this;
  }
}

function closedCosine(baseLr: number, etaMin: number, tMax: number, n: number): number {
  return etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * n) / tMax))) / 2;
}

export const CosineAnnealingLR = define({
  name: 'CosineAnnealingLR',
  family: 'pytorch',
  params: {
    // PyTorch takes a fractional T_max as readily as an integer one.
    T_max: required(number({ above: 0 })),
    eta_min: optional(number(), 0),
    ...torchKeywords,
  },
  needsBaseLr: always,
  compile: (p, { baseLr }) => {
    const { T_max: tMax, eta_min: etaMin } = p;
    const construct = (group: ParamGroup) => new CosineAnnealingLRModel(group, tMax, etaMin);
    if (!Number.isInteger(tMax)) return { kind: 'verifiable', designInterval: 'either', lrAt: replay(construct, baseLr), construct };
    // Up to T_max the recursion stays within ~4e-12 of the closed form (measured on PyTorch 1.13 up
    // to T_max = 300,000), so the closed form answers there, in O(1) and without memory. At T_max
    // the recursion lands on eta_min exactly; after it, the rounding it carries out of the trough
    // shows (2e-10 past T_max = 100,000 with eta_min = 1e-6), so from there on it is replayed.
    const past = replay((group) => construct(group).atFirstTrough(), baseLr);
    return {
      kind: 'verifiable',
      designInterval: 'either',
      // n = 0 is the optimizer's LR untouched, which the closed form can miss by an ulp.
      lrAt: (n) => (n === 0 ? baseLr : n <= tMax ? closedCosine(baseLr, etaMin, tMax, n) : past(n - tMax)),
      construct,
    };
  },
});

function warmRestartLr(baseLr: number, etaMin: number, tCur: number, tI: number): number {
  return etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
}

class WarmRestartsModel extends LRScheduler {
  private tI: number;
  private tCur = -1;

  constructor(
    group: ParamGroup,
    private readonly t0: number,
    private readonly tMult: number,
    private readonly etaMin: number,
  ) {
    super(group);
    this.tI = t0;
    this.init();
  }

  /** CosineAnnealingWarmRestarts overrides step() itself, with its own epoch arithmetic. */
  step(epoch?: number): void {
    let e = epoch;
    if (e === undefined && this.lastEpoch < 0) e = 0;
    if (e === undefined) {
      e = this.lastEpoch + 1;
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else if (e >= this.t0) {
      if (this.tMult === 1) {
        this.tCur = e % this.t0;
      } else {
        const k = Math.trunc(Math.log((e / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
        this.tCur = e - (this.t0 * (this.tMult ** k - 1)) / (this.tMult - 1);
        this.tI = this.t0 * this.tMult ** k;
      }
    } else {
      this.tI = this.t0;
      this.tCur = e;
    }
    this.lastEpoch = Math.floor(e);
    this.group.lr = this.getLr();
  }

  protected getLr(): number {
    return warmRestartLr(this.baseLr, this.etaMin, this.tCur, this.tI);
  }
}

export const CosineAnnealingWarmRestarts = define({
  name: 'CosineAnnealingWarmRestarts',
  family: 'pytorch',
  params: {
    T_0: required(integer({ min: 1 })),
    T_mult: optional(integer({ min: 1 }), 1),
    eta_min: optional(number(), 0),
    ...torchKeywords,
  },
  needsBaseLr: always,
  compile: (p, { baseLr }) => ({
    kind: 'verifiable',
    designInterval: 'either',
    fractional: true,
    lrAt: (() => {
      if (p.T_mult === 1) return (n: number) => warmRestartLr(baseLr, p.eta_min, n % p.T_0, p.T_0);
      // The restarts step() makes one at a time: T_cur wraps by T_i, and T_i grows by T_mult. The
      // cycle of the last n asked is kept, since the next n is usually in it.
      let start = 0;
      let tI = p.T_0;
      return (n: number) => {
        if (n < start) {
          start = 0;
          tI = p.T_0;
        }
        while (n - start >= tI) {
          start += tI;
          tI *= p.T_mult;
        }
        return warmRestartLr(baseLr, p.eta_min, n - start, tI);
      };
    })(),
    construct: (group) => new WarmRestartsModel(group, p.T_0, p.T_mult, p.eta_min),
  }),
});
