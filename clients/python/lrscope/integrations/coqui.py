"""Coqui TTS / Trainer (coqui-ai and the idiap fork): `Trainer(..., callbacks=LrscopeCoquiCallback().callbacks())`.

At `on_init_end` it maps the config — `lr_scheduler`, `lr_scheduler_params`, `lr`,
`scheduler_after_epoch` — into a spec (`lrscope.schedules.coqui_spec`) and watches the
trainer's optimizer and scheduler. `scheduler_after_epoch` defaults to True in Coqui: the trainer
then steps the scheduler once per epoch, which is what the user means for ExponentialLR and the
like ("epoch"), but not for StepwiseGradualLR/NoamLR, which are written in steps ("step"). That
mismatch (a fine-tune whose warm-up never ends) is what the server then flags, with the observed
cadence as evidence.

Models with several optimizers (GAN vocoders, VITS: a list of optimizers and a list of
schedulers) have each optimizer watched under its own name — "gen" and "disc" when the config has
`lr_gen`/`lr_disc` and the discriminator's parameters tell which is which, else the index — and
each described from its own scheduler object, so each is checked against its own schedule.

What it sends how often: the LR of each optimizer at every optimizer step (`watch`, floats read
from the param groups); the step's losses (`loss`, or each optimizer's `loss_0`/`loss_1`, and the
model's named losses, grad norms, `avg_loss`) on the steps the trainer itself plots (`plot_step`):
they are taken from what the trainer hands its dashboard logger, already floats. Nothing runs in
the per-step callbacks.

Checked inside Coqui Trainer v0.0.36 (tests/test_integrations.py holds a fake of its call order).
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional

import lrscope

from ..schedules import STEP_BY_DESIGN, coqui_spec, spec_from_scheduler
from ..torch import watch
from . import numeric, start_run

_CONFIG_KEYS = ("lr", "lr_scheduler", "lr_scheduler_params", "scheduler_after_epoch", "epochs", "batch_size", "optimizer", "grad_clip",
                "lr_gen", "lr_disc", "lr_scheduler_gen", "lr_scheduler_disc", "print_step", "plot_step")


def _listed(x: Any) -> List[Any]:
    if x is None:
        return []
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, dict):
        return list(x.values())
    return [x]


def _cfg(config: Any, key: str, default: Any = None) -> Any:
    return config.get(key, default) if isinstance(config, dict) else getattr(config, key, default)


def optimizer_names(model: Any, optimizers: List[Any], config: Any) -> List[str]:
    """Contract names for several optimizers: "gen"/"disc" for a GAN config (lr_gen, lr_disc) when exactly
    one optimizer holds discriminator parameters (a parameter name with "disc" in it), else the indices."""
    indices = [str(i) for i in range(len(optimizers))]
    if len(optimizers) != 2 or _cfg(config, "lr_gen") is None or _cfg(config, "lr_disc") is None:
        return indices
    try:
        names = {id(p): n for n, p in model.named_parameters()}
        is_disc = []
        for opt in optimizers:
            first = next(p for g in opt.param_groups for p in g["params"])
            is_disc.append("disc" in names.get(id(first), ""))
    except Exception:
        return indices
    if is_disc.count(True) != 1:
        return indices
    return ["disc" if d else "gen" for d in is_disc]


def _object_spec(scheduler: Any, after_epoch: bool) -> Optional[Dict[str, Any]]:
    """A scheduler of a multi-optimizer model, described from the object, with Coqui's interval rule."""
    spec = spec_from_scheduler(scheduler) if scheduler is not None else None
    if spec is not None:
        spec["interval"] = "step" if spec["name"] in STEP_BY_DESIGN or not after_epoch else "epoch"
    return spec


class LrscopeCoquiCallback:
    def __init__(self, run: Optional["lrscope.Run"] = None, name: Optional[str] = None, project: Optional[str] = None, **init_options: Any):
        self.run = run
        self._init = dict(init_options, name=name, project=project)
        self._owns = False
        self.watcher = None
        self.watchers: List[Any] = []
        self._trainer: Any = None
        self._started = False

    def callbacks(self) -> Dict[str, Callable[[Any], None]]:
        """The dict Coqui's Trainer takes as `callbacks=`."""
        return {
            "on_init_end": self.on_init_end,
            "on_train_epoch_start": self.on_train_epoch_start,
            "on_keyboard_interrupt": self.on_keyboard_interrupt,
        }

    def on_init_end(self, trainer: Any) -> None:
        if getattr(getattr(trainer, "args", None), "rank", 0) not in (0, None):
            return
        self._trainer = trainer
        config = getattr(trainer, "config", {}) or {}
        optimizers = _listed(getattr(trainer, "optimizer", None))
        schedulers = _listed(getattr(trainer, "scheduler", None))
        snapshot = {k: _cfg(config, k) for k in _CONFIG_KEYS}
        self.run, self._owns = start_run(self.run, self._init, name=_cfg(config, "run_name"), config=snapshot)
        spe = self._steps_per_epoch(trainer)
        if len(optimizers) > 1:
            after_epoch = _cfg(config, "scheduler_after_epoch", True)
            after_epoch = True if after_epoch is None else bool(after_epoch)
            names = optimizer_names(getattr(trainer, "model", None), optimizers, config)
            for i, (opt, name) in enumerate(zip(optimizers, names)):
                s = schedulers[i] if i < len(schedulers) else None
                spec = _object_spec(s, after_epoch)
                w = watch(opt, s, steps_per_epoch=spe, interval=spec["interval"] if spec else None, run=self.run, schedule=spec, name=name)
                if w is not None:
                    self.watchers.append(w)
        else:
            scheduler = schedulers[0] if schedulers else None
            # Which code base runs shows in the scheduler object (the fork's StepwiseGradualLR keeps
            # step_thresholds, its NoamLR has a closed form); the config alone cannot tell.
            from_object = spec_from_scheduler(scheduler) if scheduler is not None else None
            spec = coqui_spec(config, variant=(from_object or {}).get("params", {}).get("variant"))
            if not optimizers:
                if spec is not None:
                    self.run.update(schedule=spec)
                return
            w = watch(optimizers[0], scheduler, steps_per_epoch=spe, interval=spec["interval"] if spec else None, run=self.run, schedule=spec)
            if w is not None:
                self.watchers.append(w)
        self.watcher = self.watchers[0] if self.watchers else None
        self._tap_dashboard(trainer)

    def _tap_dashboard(self, trainer: Any) -> None:
        """The trainer hands each plotted step's losses to its dashboard logger (`train_step_stats(step,
        stats)`, every plot_step): log them too. The instance's method is wrapped, calling the original first."""
        dash = getattr(trainer, "dashboard_logger", None)
        original = getattr(dash, "train_step_stats", None)
        if original is None or getattr(original, "_lrscope", False):
            return
        callback = self

        def train_step_stats(step: Any, stats: Any) -> Any:
            result = original(step, stats)
            callback._step_stats(step, stats)
            return result

        train_step_stats._lrscope = True  # type: ignore[attr-defined]
        try:
            dash.train_step_stats = train_step_stats
        except (AttributeError, TypeError):
            pass

    def _step_stats(self, step: Any, stats: Any) -> None:
        if self.run is None or self.run.status is not None or not isinstance(stats, dict):
            return
        values = {k: v for k, v in numeric(stats).items() if not k.startswith("current_lr")}  # the LR comes from watch
        loss = values.pop("loss", None)
        if loss is None:
            loss = values.get("loss_0")
        trainer = self._trainer
        avg = getattr(getattr(trainer, "keep_avg_train", None), "avg_values", None) or {}
        if "avg_loss" in avg and "avg_loss" not in values:
            values["avg_loss"] = avg["avg_loss"]
        self.run.log(step, loss=loss, epoch=getattr(trainer, "epochs_done", None), **values)

    def _steps_per_epoch(self, trainer: Any) -> Optional[int]:
        loader = getattr(trainer, "train_loader", None)
        try:
            n = len(loader) if loader is not None else None
        except TypeError:
            return None
        if not n:
            return None
        accum = _cfg(getattr(trainer, "config", {}) or {}, "grad_accum_steps", 1) or 1
        return max(math.ceil(n / accum), 1)

    def on_train_epoch_start(self, trainer: Any) -> None:
        """The trainer has built its loader by now, and restored its step counter (`fit` does, after init)."""
        if not self.watchers or self._started:
            return
        self._started = True
        start = int(getattr(trainer, "total_steps_done", 0) or 0)
        for w in self.watchers:
            w.renumber(start)
        spe = self._steps_per_epoch(trainer)
        if spe and spe != self.watcher.steps_per_epoch:
            for w in self.watchers:
                w.steps_per_epoch = spe
            self.run.update(steps_per_epoch=spe)

    def on_keyboard_interrupt(self, trainer: Any) -> None:
        if self.run is not None and self._owns:
            self.run.finish("crashed")
