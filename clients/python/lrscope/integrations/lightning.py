"""Lightning: `Trainer(callbacks=[LrscopeLightningCallback()])`.

At `on_train_start` it watches the first optimizer and the first LR scheduler config; the
config's `interval` ("step" or "epoch") is what the user meant, so it is the spec's interval, and
its `frequency` (step the scheduler every N intervals) goes into the spec too. The run's config
gets `lightning.max_epochs` and `lightning.max_steps` (the planned length). Several optimizers
(manual optimization, GANs) are each watched under their index ("0", "1", ...) and checked
against their own scheduler config.

What it sends how often: the LR at every optimizer step (`watch`, a float read from the param
groups); the batch's loss only on the steps Lightning itself logs (`log_every_n_steps`), as a
tensor snapshot read off the training thread. Only global rank 0 reports.

Checked inside Lightning 2.2.5; tests/test_integrations.py holds a fake of that version's call order.
It subclasses `lightning.pytorch.Callback` (or `pytorch_lightning.Callback`) when one is importable.
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional

import lrscope

from ..schedules import spec_from_scheduler
from ..torch import watch
from . import start_run

try:  # pragma: no cover - not installed in the test environment
    from lightning.pytorch import Callback as _Base
except Exception:  # noqa: BLE001
    try:
        from pytorch_lightning import Callback as _Base  # type: ignore[no-redef]
    except Exception:  # noqa: BLE001

        class _Base:  # type: ignore[no-redef]
            """lightning.pytorch.Callback's hooks (2.2.5) as no-ops, so this class has one interface with or without Lightning."""

            def _noop(self, *args: Any, **kwargs: Any) -> None:
                return None

            setup = teardown = on_fit_start = on_fit_end = on_sanity_check_start = on_sanity_check_end = _noop
            on_train_batch_start = on_train_batch_end = on_train_epoch_start = on_train_epoch_end = _noop
            on_validation_epoch_start = on_validation_epoch_end = on_test_epoch_start = on_test_epoch_end = _noop
            on_predict_epoch_start = on_predict_epoch_end = on_validation_batch_start = on_validation_batch_end = _noop
            on_test_batch_start = on_test_batch_end = on_predict_batch_start = on_predict_batch_end = _noop
            on_train_start = on_train_end = on_validation_start = on_validation_end = on_test_start = on_test_end = _noop
            on_predict_start = on_predict_end = on_exception = on_save_checkpoint = on_load_checkpoint = _noop
            on_before_backward = on_after_backward = on_before_optimizer_step = on_before_zero_grad = _noop


# Lightning calls every callable `on_*` hook of every callback on every batch, each inside a
# profiler context (`_call_callback_hooks`): microseconds per hook and step even for the base
# class's no-ops. The hooks this callback does not use are set to None on the instance, which
# Lightning skips (it checks `callable`). on_save/load_checkpoint are called directly: kept.
_USED = {"on_train_start", "on_train_end", "on_exception", "on_save_checkpoint", "on_load_checkpoint"}
_UNUSED_HOOKS = tuple(n for n in dir(_Base) if n.startswith("on_") and n not in _USED)


def _get(cfg: Any, key: str, default: Any = None) -> Any:
    return cfg.get(key, default) if isinstance(cfg, dict) else getattr(cfg, key, default)


class LrscopeLightningCallback(_Base):  # type: ignore[valid-type,misc]
    def __init__(self, run: Optional["lrscope.Run"] = None, name: Optional[str] = None, project: Optional[str] = None, **init_options: Any):
        self.run = run
        self._init = dict(init_options, name=name, project=project)
        self._owns = False
        self.watcher = None
        self.watchers: list = []
        self._every = 50
        for hook in _UNUSED_HOOKS:
            setattr(self, hook, None)
        self.on_train_batch_end = None  # armed by _after_step on the steps Lightning logs

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        if not getattr(trainer, "is_global_zero", True):
            return
        optimizers = list(getattr(trainer, "optimizers", []) or [])
        configs = getattr(trainer, "lr_scheduler_configs", None)
        if configs is None:
            configs = getattr(trainer, "lr_schedulers", None)  # Lightning < 1.6: a list of dicts
        configs = list(configs or [])
        spe = None
        batches = getattr(trainer, "num_training_batches", None)
        if isinstance(batches, (int, float)) and math.isfinite(batches) and batches > 0:
            spe = max(int(batches) // max(int(getattr(trainer, "accumulate_grad_batches", 1) or 1), 1), 1)
        first = configs[0] if configs else None
        config = {"lightning": {
            "interval": _get(first, "interval", "epoch") if first is not None else None,
            "frequency": _get(first, "frequency", 1) if first is not None else None,
            "max_epochs": getattr(trainer, "max_epochs", None),
            "max_steps": getattr(trainer, "max_steps", None),
        }}
        self._every = int(getattr(trainer, "log_every_n_steps", 50) or 0)
        self.run, self._owns = start_run(self.run, self._init, config=config)
        step = int(getattr(trainer, "global_step", 0) or 0)
        for i, opt in enumerate(optimizers):
            cfg = _config_of(configs, opt, i)
            scheduler = _get(cfg, "scheduler") if cfg is not None else None
            interval = _get(cfg, "interval", "epoch") if cfg is not None else None
            w = watch(opt, scheduler, steps_per_epoch=spe, interval=interval, run=self.run, schedule=_spec(scheduler, cfg),
                      start_step=step, name=str(i) if len(optimizers) > 1 else None)
            if w is not None:
                self.watchers.append(w)
        self.watcher = self.watchers[0] if self.watchers else None
        if self.watcher is not None:
            self.watcher.after_step = self._after_step

    def _after_step(self, step: int) -> None:
        """After each optimizer step (watch): arm on_train_batch_end only on the steps Lightning logs,
        (batches that stepped + 1) % log_every_n_steps == 0, that is when this step is the Nth; on other
        batches Lightning skips the hook altogether (it is None)."""
        self.on_train_batch_end = self._batch_end if self._every and (step + 1) % self._every == 0 else None  # type: ignore[assignment]

    def _batch_end(self, trainer: Any, pl_module: Any, outputs: Any, batch: Any, batch_idx: int) -> None:
        self.on_train_batch_end = None  # type: ignore[assignment]
        loss = outputs.get("loss") if isinstance(outputs, dict) else outputs
        if loss is not None and self.run is not None and self.watcher is not None:
            self.run.log(self.watcher.last_step, loss=loss)

    def on_train_end(self, trainer: Any, pl_module: Any) -> None:
        if self.run is not None and self._owns:
            self.run.finish()

    def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
        if self.run is not None and self._owns:
            self.run.finish("crashed")


def _config_of(configs: list, optimizer: Any, index: int) -> Any:
    """The scheduler config driving `optimizer` (a scheduler holds its optimizer); with one optimizer, the first."""
    for cfg in configs:
        if getattr(_get(cfg, "scheduler"), "optimizer", None) is optimizer:
            return cfg
    return configs[0] if configs and index == 0 and len(configs) == 1 else None


def _spec(scheduler: Any, cfg: Any) -> Optional[Dict[str, Any]]:
    """The spec with Lightning's `frequency` when it is not 1; None leaves reading the scheduler to watch
    (and a schedule given to lrscope.init in charge)."""
    frequency = _get(cfg, "frequency", 1) if cfg is not None else 1
    if scheduler is None or not isinstance(frequency, int) or isinstance(frequency, bool) or frequency <= 1:
        return None
    spec = spec_from_scheduler(scheduler)
    if spec is not None:
        spec["frequency"] = frequency  # scheduler.step() every `frequency` intervals, as Lightning does
    return spec
