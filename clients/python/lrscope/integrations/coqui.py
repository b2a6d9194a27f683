"""Coqui TTS / Trainer (coqui-ai and the idiap fork): `Trainer(..., callbacks=LrscopeCoquiCallback().callbacks())`.

At `on_init_end` it maps the config — `lr_scheduler`, `lr_scheduler_params`, `lr`,
`scheduler_after_epoch` — into a spec (`lrscope.schedules.coqui_spec`) and watches the
trainer's optimizer and scheduler (the first of each when there are several).
`scheduler_after_epoch` defaults to True in Coqui: the trainer then steps the scheduler once
per epoch, which is what the user means for ExponentialLR and the like ("epoch"), but not for
StepwiseGradualLR/NoamLR, which are written in steps ("step"). That mismatch — the XTTS
story in docs/architecture.md — is what the server then flags, with the observed cadence as evidence.

Coqui is not installable where lrscope is tested: this is tested against a minimal fake of the
Trainer's callback interface (a dict of functions taking the trainer; tests/test_integrations.py).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional

import lrscope

from ..schedules import coqui_spec, spec_from_scheduler
from ..torch import watch
from . import start_run

_CONFIG_KEYS = ("lr", "lr_scheduler", "lr_scheduler_params", "scheduler_after_epoch", "epochs", "batch_size", "optimizer", "grad_clip")


def _first(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return x[0] if x else None
    if isinstance(x, dict):
        return next(iter(x.values()), None)
    return x


def _cfg(config: Any, key: str, default: Any = None) -> Any:
    return config.get(key, default) if isinstance(config, dict) else getattr(config, key, default)


class LrscopeCoquiCallback:
    def __init__(self, run: Optional["lrscope.Run"] = None, name: Optional[str] = None, project: Optional[str] = None, **init_options: Any):
        self.run = run
        self._init = dict(init_options, name=name, project=project)
        self._owns = False
        self.watcher = None
        self._spe_sent = False

    def callbacks(self) -> Dict[str, Callable[[Any], None]]:
        """The dict Coqui's Trainer takes as `callbacks=`."""
        return {
            "on_init_end": self.on_init_end,
            "on_train_step_end": self.on_train_step_end,
            "on_keyboard_interrupt": self.on_keyboard_interrupt,
        }

    def on_init_end(self, trainer: Any) -> None:
        if getattr(getattr(trainer, "args", None), "rank", 0) not in (0, None):
            return
        config = getattr(trainer, "config", {}) or {}
        scheduler = _first(getattr(trainer, "scheduler", None))
        # Which code base runs shows in the scheduler object (the fork's StepwiseGradualLR keeps
        # step_thresholds, its NoamLR has a closed form); the config alone cannot tell.
        from_object = spec_from_scheduler(scheduler) if scheduler is not None else None
        variant = (from_object or {}).get("params", {}).get("variant")
        spec = coqui_spec(config, variant=variant)
        snapshot = {k: _cfg(config, k) for k in _CONFIG_KEYS}
        self.run, self._owns = start_run(self.run, self._init, name=_cfg(config, "run_name"), config=snapshot)
        optimizer = _first(getattr(trainer, "optimizer", None))
        if optimizer is None:
            if spec is not None:
                self.run.update(schedule=spec)
            return
        self.watcher = watch(
            optimizer,
            scheduler,
            steps_per_epoch=self._steps_per_epoch(trainer),
            interval=spec["interval"] if spec else None,
            run=self.run,
            schedule=spec,
            start_step=int(getattr(trainer, "total_steps_done", 0) or 0),
        )

    def _steps_per_epoch(self, trainer: Any) -> Optional[int]:
        loader = getattr(trainer, "train_loader", None)
        try:
            n = len(loader) if loader is not None else None
        except TypeError:
            return None
        if n:
            self._spe_sent = True
        return n or None

    def on_train_step_end(self, trainer: Any) -> None:
        if self.run is None or self.watcher is None or self.watcher.last_step < 0:
            return
        if not self._spe_sent:  # newer trainers build the loader when training starts
            spe = self._steps_per_epoch(trainer)
            if spe:
                self.watcher.steps_per_epoch = spe
                self.run.update(steps_per_epoch=spe)
        avg = getattr(getattr(trainer, "keep_avg_train", None), "avg_values", None) or {}
        metrics = {"avg_loss": avg["avg_loss"]} if avg.get("avg_loss") is not None else {}
        self.run.log(epoch=getattr(trainer, "epochs_done", None), **metrics)  # joins the optimizer step just taken

    def on_keyboard_interrupt(self, trainer: Any) -> None:
        if self.run is not None and self._owns:
            self.run.finish("crashed")

