"""Hugging Face `Trainer`: `trainer.add_callback(LrscopeCallback())`.

At `on_train_begin` it maps `TrainingArguments` (lr_scheduler_type, warmup_steps or
warmup_ratio, max_steps, lr_scheduler_kwargs, learning_rate) into a Hugging Face spec
(`num_warmup_steps`, `num_training_steps`, interval "step": the Trainer steps the scheduler
after every optimizer step) and watches the Trainer's optimizer and scheduler. `on_log` adds
the loss and the other numeric logs to the step just taken. Only the main process reports.

transformers is not installable where lrscope is tested: this is tested against a minimal
fake of the TrainerCallback interface (tests/test_integrations.py). It subclasses
`transformers.TrainerCallback` when transformers is importable.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import lrscope

from ..schedules import hf_spec
from ..torch import watch
from . import numeric, start_run

try:  # pragma: no cover - not installed in the test environment
    from transformers import TrainerCallback as _Base
except Exception:  # noqa: BLE001 - any import problem means "not available"
    _Base = object  # type: ignore[assignment,misc]

_CONFIG_KEYS = (
    "learning_rate", "lr_scheduler_type", "lr_scheduler_kwargs", "warmup_steps", "warmup_ratio", "max_steps", "num_train_epochs",
    "per_device_train_batch_size", "gradient_accumulation_steps", "weight_decay", "optim", "seed",
)


def spec_from_args(args: Any, state: Any = None) -> Optional[dict]:
    max_steps = getattr(state, "max_steps", None) or getattr(args, "max_steps", None)
    return hf_spec(
        getattr(args, "lr_scheduler_type", "linear"),
        getattr(args, "learning_rate", None),
        max_steps if max_steps and max_steps > 0 else None,
        getattr(args, "warmup_steps", 0),
        getattr(args, "warmup_ratio", 0.0),
        getattr(args, "lr_scheduler_kwargs", None),
    )


class LrscopeCallback(_Base):  # type: ignore[valid-type,misc]
    def __init__(self, run: Optional["lrscope.Run"] = None, name: Optional[str] = None, project: Optional[str] = None, **init_options: Any):
        self.run = run
        self._init = dict(init_options, name=name, project=project)
        self._owns = False
        self.watcher = None

    def on_train_begin(self, args: Any, state: Any, control: Any, model: Any = None, optimizer: Any = None, lr_scheduler: Any = None, **kwargs: Any) -> None:
        if not getattr(state, "is_world_process_zero", True):
            return
        spec = spec_from_args(args, state)
        config = {k: getattr(args, k) for k in _CONFIG_KEYS if hasattr(args, k)}
        spe = None
        loader = kwargs.get("train_dataloader")
        try:
            if loader is not None:
                spe = max(len(loader) // max(int(getattr(args, "gradient_accumulation_steps", 1) or 1), 1), 1)
        except TypeError:  # an iterable dataset has no length
            spe = None
        if spe is None and getattr(state, "max_steps", 0) and getattr(state, "num_train_epochs", 0):
            spe = math.ceil(state.max_steps / state.num_train_epochs)
        self.run, self._owns = start_run(self.run, self._init, name=getattr(args, "run_name", None), config=config)
        if optimizer is not None:
            self.watcher = watch(optimizer, lr_scheduler, steps_per_epoch=spe, interval="step", run=self.run, schedule=spec,
                                               start_step=int(getattr(state, "global_step", 0) or 0))
        elif spec is not None:
            self.run.update(schedule=spec, steps_per_epoch=spe)

    def on_log(self, args: Any, state: Any, control: Any, logs: Optional[dict] = None, **kwargs: Any) -> None:
        if self.run is None or not logs or not getattr(state, "is_world_process_zero", True):
            return
        values = numeric(logs)
        loss = values.pop("loss", None)
        epoch = values.pop("epoch", None)
        lr = values.pop("learning_rate", None)
        step = max(int(getattr(state, "global_step", 1) or 1) - 1, 0)  # the optimizer step just taken, as watch numbers it
        self.run.log(step, loss=loss, epoch=epoch, lr=lr if self.watcher is None else None, **values)

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.run is not None and self._owns:
            self.run.finish()

