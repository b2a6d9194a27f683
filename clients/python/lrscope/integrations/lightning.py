"""Lightning: `Trainer(callbacks=[LrscopeLightningCallback()])`.

At `on_train_start` it watches the first optimizer and the first LR scheduler config; the
config's `interval` ("step" or "epoch") is what the user meant, so it is the spec's interval.
`frequency` (step the scheduler every N intervals) has no place in the spec: it is sent in the
run's config and shows up in the observed cadence. Each batch's loss joins the optimizer step
just taken. Only global rank 0 reports.

Lightning is not installable where lrscope is tested: this is tested against a minimal fake of
the Callback interface (tests/test_integrations.py). It subclasses `lightning.pytorch.Callback`
(or `pytorch_lightning.Callback`) when one is importable.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import lrscope

from ..torch import watch
from . import start_run

try:  # pragma: no cover - not installed in the test environment
    from lightning.pytorch import Callback as _Base
except Exception:  # noqa: BLE001
    try:
        from pytorch_lightning import Callback as _Base  # type: ignore[no-redef]
    except Exception:  # noqa: BLE001
        _Base = object  # type: ignore[assignment,misc]


def _get(cfg: Any, key: str, default: Any = None) -> Any:
    return cfg.get(key, default) if isinstance(cfg, dict) else getattr(cfg, key, default)


class LrscopeLightningCallback(_Base):  # type: ignore[valid-type,misc]
    def __init__(self, run: Optional["lrscope.Run"] = None, name: Optional[str] = None, project: Optional[str] = None, **init_options: Any):
        self.run = run
        self._init = dict(init_options, name=name, project=project)
        self._owns = False
        self.watcher = None

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        if not getattr(trainer, "is_global_zero", True):
            return
        optimizers = list(getattr(trainer, "optimizers", []) or [])
        configs = getattr(trainer, "lr_scheduler_configs", None)
        if configs is None:
            configs = getattr(trainer, "lr_schedulers", None)  # Lightning < 1.6: a list of dicts
        cfg = configs[0] if configs else None
        scheduler = _get(cfg, "scheduler") if cfg is not None else None
        interval = _get(cfg, "interval", "epoch") if cfg is not None else None
        frequency = _get(cfg, "frequency", 1) if cfg is not None else None
        spe = None
        batches = getattr(trainer, "num_training_batches", None)
        if isinstance(batches, (int, float)) and math.isfinite(batches) and batches > 0:
            spe = max(int(batches) // max(int(getattr(trainer, "accumulate_grad_batches", 1) or 1), 1), 1)
        config = {"lightning": {"interval": interval, "frequency": frequency, "max_epochs": getattr(trainer, "max_epochs", None)}}
        self.run, self._owns = start_run(self.run, self._init, config=config)
        if optimizers:
            self.watcher = watch(optimizers[0], scheduler, steps_per_epoch=spe, interval=interval, run=self.run,
                                               start_step=int(getattr(trainer, "global_step", 0) or 0))

    def on_train_batch_end(self, trainer: Any, pl_module: Any, outputs: Any, batch: Any, batch_idx: int) -> None:
        if self.run is None or self.watcher is None or self.watcher.last_step < 0:
            return
        loss = outputs.get("loss") if isinstance(outputs, dict) else outputs
        if loss is not None:
            self.run.log(loss=loss)

    def on_train_end(self, trainer: Any, pl_module: Any) -> None:
        if self.run is not None and self._owns:
            self.run.finish()

    def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
        if self.run is not None and self._owns:
            self.run.finish("crashed")

