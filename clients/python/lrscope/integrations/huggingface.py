"""Hugging Face `Trainer`: `trainer.add_callback(LrscopeCallback())`.

At `on_train_begin` the callback receives the optimizer and the scheduler the Trainer really
uses — its own (built from TrainingArguments by `create_scheduler`), yours
(`Trainer(optimizers=(opt, sched))`) or a subclass's — and describes that object
(`lrscope.schedules.spec_from_scheduler`: Hugging Face's LambdaLR schedules and torch's), with interval "step" (the
Trainer steps the scheduler after every optimizer step). The spec built from TrainingArguments
(lr_scheduler_type, warmup, max_steps) is used only when there is no scheduler object to read.

What it sends how often: the LR at every optimizer step (`watch`, a float read from the param
groups); the loss and the other numeric logs at the Trainer's own `logging_steps` (`on_log`:
the Trainer has already made them floats). Only the main process reports.

Checked against the callback interface of transformers 4.28.1 (tests/test_integrations.py holds
a fake of its call order). It subclasses `transformers.TrainerCallback` when transformers is importable.
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

    class _Base:  # type: ignore[no-redef]
        """TrainerCallback's events (transformers 4.28), as no-ops: the Trainer calls every one on every callback."""

        def _noop(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            return None

        on_init_end = on_train_begin = on_train_end = on_epoch_begin = on_epoch_end = on_step_begin = _noop
        on_substep_end = on_step_end = on_evaluate = on_predict = on_save = on_log = on_prediction_step = _noop

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
        # The scheduler object is the truth (watch reads it); TrainingArguments only when there is none.
        spec = None if lr_scheduler is not None else spec_from_args(args, state)
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

