"""Fakes of the three trainers lrscope integrates with: their training loops reduced to the calls an
integration sees, in the order the real trainers make them, driving real torch optimizers and
schedulers. The real trainers cannot be installed where lrscope is tested; these were written from
their source; the Lightning and Coqui ones checked against runs inside the real trainers (each class
says the version it mirrors).
Used by tests/test_integrations.py and by bench/python-client.py (the per-step cost of each integration).
"""
from __future__ import annotations

import contextlib
import math
import types
from typing import Any, Callable, Dict, List, Optional

import torch
from torch.optim import lr_scheduler as sched


def batches(n: int, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(8, 6, generator=g), torch.randn(8, 1, generator=g)) for _ in range(n)]


def small_model(seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))


def mse(model: torch.nn.Module, batch) -> torch.Tensor:
    x, y = batch
    return torch.nn.functional.mse_loss(model(x), y)


# ---------------------------------------------------------------------------------------------
# Lightning 2.2.5 (src/lightning/pytorch/loops/training_epoch_loop.py, optimization/automatic.py,
# trainer/call.py), automatic optimization with one optimizer.
# ---------------------------------------------------------------------------------------------

class FakeLightningTrainer:
    """Per batch, as Lightning 2.2.5 does: on_train_batch_start; optimizer.step(closure) whose closure
    runs training_step, on_before_zero_grad + zero_grad, on_before_backward + backward +
    on_after_backward, then on_before_optimizer_step; global_step += 1 once step() returned;
    "step"-interval schedulers every `frequency` batches, "epoch" ones after the epoch's last batch
    (every `frequency` epochs); on_train_batch_end(outputs={"loss": detached loss}). A callback hook
    is called only if it is callable (`_call_callback_hooks`), inside a profiler context."""

    def __init__(self, callbacks: List[Any], model: torch.nn.Module, optimizer: Any, configs: List[Dict[str, Any]],
                 max_epochs: int = 3, batches_per_epoch: int = 10, log_every_n_steps: int = 50, max_steps: int = -1):
        self.callbacks = callbacks
        self.model = model
        self.optimizers = [optimizer]
        self.lr_scheduler_configs = [types.SimpleNamespace(scheduler=c["scheduler"], interval=c.get("interval", "epoch"), frequency=c.get("frequency", 1),
                                                           reduce_on_plateau=False, monitor=None, strict=True, name=None, opt_idx=None) for c in configs]
        self.max_epochs = max_epochs
        self.max_steps = max_steps
        self.num_training_batches = batches_per_epoch
        self.accumulate_grad_batches = 1
        self.log_every_n_steps = log_every_n_steps
        self.is_global_zero = True
        self.should_stop = False
        self.global_step = 0
        self.current_epoch = 0
        self.data = batches(batches_per_epoch)
        self.hook_calls: List[str] = []

    @contextlib.contextmanager
    def _profile(self, name: str):  # PassThroughProfiler.profile
        yield

    def _call(self, hook: str, *args: Any) -> None:
        for cb in self.callbacks:  # a Callback has every hook; those set to None are skipped
            fn = getattr(cb, hook)
            if callable(fn):
                with self._profile("[Callback]%s.%s" % (type(cb).__qualname__, hook)):
                    fn(self, self.model, *args)
                    self.hook_calls.append(hook)

    def _update_lr_schedulers(self, interval: str, batch_idx: int) -> None:
        for c in self.lr_scheduler_configs:
            current = (batch_idx if interval == "step" else self.current_epoch) + 1
            if c.interval == interval and current % c.frequency == 0:
                c.scheduler.step()

    def fit(self) -> None:
        opt = self.optimizers[0]
        self._call("on_fit_start")
        self._call("on_train_start")
        for epoch in range(self.max_epochs):
            self.current_epoch = epoch
            self._call("on_train_epoch_start")
            for batch_idx, batch in enumerate(self.data):
                self._call("on_train_batch_start", batch, batch_idx)
                out: Dict[str, Any] = {}

                def closure():
                    loss = mse(self.model, batch)
                    self._call("on_before_zero_grad", opt)
                    opt.zero_grad()
                    self._call("on_before_backward", loss)
                    loss.backward()
                    self._call("on_after_backward")
                    out["loss"] = loss.detach()
                    self._call("on_before_optimizer_step", opt)
                    return loss

                opt.step(closure)
                self.global_step += 1
                self._update_lr_schedulers("step", batch_idx)
                if batch_idx + 1 == len(self.data):
                    self._update_lr_schedulers("epoch", batch_idx)
                self._call("on_train_batch_end", out, batch, batch_idx)
            self._call("on_train_epoch_end")
        self._call("on_train_end")
        self._call("on_fit_end")


# ---------------------------------------------------------------------------------------------
# Hugging Face transformers 4.28.1 (src/transformers/trainer.py, _inner_training_loop; trainer_callback.py).
# Written from the 4.2x source; not run against the library itself (it could not be installed here).
# ---------------------------------------------------------------------------------------------

def get_linear_schedule_with_warmup(optimizer: Any, num_warmup_steps: int, num_training_steps: int, last_epoch: int = -1) -> Any:
    """As in transformers 4.28.1 (optimization.py): a LambdaLR over a closure named lr_lambda."""

    def lr_lambda(current_step: int):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        return max(0.0, float(num_training_steps - current_step) / float(max(1, num_training_steps - num_warmup_steps)))

    return sched.LambdaLR(optimizer, lr_lambda, last_epoch)


class FakeHFTrainer:
    """As transformers 4.28.1's Trainer: the scheduler is yours (`optimizers=(opt, sched)`) or built by
    create_scheduler from TrainingArguments (a LambdaLR over get_linear_schedule_with_warmup's closure);
    the callback handler gets model, optimizer, lr_scheduler and train_dataloader before on_train_begin.
    Per step: on_step_begin; forward/backward; optimizer.step(); lr_scheduler.step(); zero_grad;
    global_step += 1; on_step_end; every logging_steps, on_log with floats (loss averaged since the last
    log, learning_rate from get_last_lr(), epoch) — the Trainer reads the loss tensor itself there."""

    def __init__(self, callback: Any, epochs: int = 2, per_epoch: int = 20, logging_steps: int = 5, warmup_ratio: float = 0.1,
                 learning_rate: float = 0.1, optimizers: Optional[tuple] = None, model: Optional[torch.nn.Module] = None):
        self.callback = callback
        self.args = types.SimpleNamespace(lr_scheduler_type=types.SimpleNamespace(value="linear"), learning_rate=learning_rate, warmup_steps=0,
                                          warmup_ratio=warmup_ratio, max_steps=-1, lr_scheduler_kwargs={}, gradient_accumulation_steps=1,
                                          run_name="hf-run", num_train_epochs=epochs, per_device_train_batch_size=8, seed=42, optim="adamw_torch",
                                          weight_decay=0.0, logging_steps=logging_steps)
        self.state = types.SimpleNamespace(global_step=0, max_steps=epochs * per_epoch, num_train_epochs=epochs, epoch=0.0, is_world_process_zero=True)
        self.control = types.SimpleNamespace(should_log=False)
        self.model = model or small_model()
        self.optimizer, self.lr_scheduler = optimizers or (None, None)
        self.epochs, self.per_epoch = epochs, per_epoch
        self.loader = batches(per_epoch)

    def create_scheduler(self, num_training_steps: int, optimizer: Any) -> Any:
        if self.lr_scheduler is None:
            warm = math.ceil(self.args.warmup_ratio * num_training_steps)
            self.lr_scheduler = get_linear_schedule_with_warmup(optimizer, warm, num_training_steps)
        return self.lr_scheduler

    def train(self) -> List[float]:
        total = self.epochs * self.per_epoch
        if self.optimizer is None:
            self.optimizer = torch.optim.SGD(self.model.parameters(), lr=self.args.learning_rate)
        self.create_scheduler(total, self.optimizer)
        state = self.state
        event = self._event
        event("on_train_begin")
        used, tr_loss, since = [], 0.0, 0
        for epoch in range(self.epochs):
            event("on_epoch_begin")
            for batch in self.loader:
                event("on_step_begin")
                loss = mse(self.model, batch)
                loss.backward()
                tr_loss += float(loss.detach())  # (the Trainer keeps a tensor and reads it at logging steps)
                since += 1
                used.append(self.optimizer.param_groups[0]["lr"])
                self.optimizer.step()
                self.lr_scheduler.step()
                self.model.zero_grad()
                state.global_step += 1
                state.epoch = epoch + (state.global_step - epoch * self.per_epoch) / self.per_epoch
                event("on_step_end")
                if state.global_step % self.args.logging_steps == 0:
                    logs = {"loss": round(tr_loss / since, 4), "learning_rate": self.lr_scheduler.get_last_lr()[0], "epoch": round(state.epoch, 2)}
                    tr_loss, since = 0.0, 0
                    event("on_log", logs=logs)
            event("on_epoch_end")
        event("on_train_end")
        return used

    def _event(self, name: str, **extra: Any) -> None:
        """CallbackHandler.call_event: every event gets model, tokenizer, optimizer, lr_scheduler and the loaders."""
        getattr(self.callback, name)(self.args, self.state, self.control, model=self.model, tokenizer=None, optimizer=self.optimizer,
                                     lr_scheduler=self.lr_scheduler, train_dataloader=self.loader, eval_dataloader=None, **extra)


# ---------------------------------------------------------------------------------------------
# Coqui Trainer v0.0.36 (trainer/trainer.py: __init__, _fit, train_epoch, train_step, optimize;
# trainer/callbacks.py; trainer/generic_utils.py KeepAverage; trainer/logging/dummy_logger.py).
# ---------------------------------------------------------------------------------------------

class KeepAverage:  # trainer/generic_utils.py
    def __init__(self) -> None:
        self.avg_values: Dict[str, float] = {}
        self.iters: Dict[str, int] = {}

    def update_values(self, values: Dict[str, float]) -> None:
        for k, v in values.items():
            if k not in self.avg_values:
                self.avg_values[k], self.iters[k] = v, 0
            else:
                self.avg_values[k] = (self.avg_values[k] * self.iters[k] + v) / (self.iters[k] + 1)
                self.iters[k] += 1


class DashboardLogger:  # DummyLogger: BaseDashboardLogger.train_step_stats -> add_scalars
    def __init__(self) -> None:
        self.steps: List[int] = []

    def train_step_stats(self, step: int, stats: Dict[str, Any]) -> None:
        self.steps.append(step)

    def add_config(self, config: Any) -> None:
        pass


_CALLBACK_KEYS = ("on_init_start", "on_init_end", "on_epoch_start", "on_epoch_end", "on_train_epoch_start", "on_train_epoch_end",
                  "on_train_step_start", "on_train_step_end", "on_keyboard_interrupt")


class FakeCoquiTrainer:
    """As Coqui Trainer v0.0.36: callbacks is a dict whose keys must be among the nine the trainer knows
    (others raise ValueError); optimizer and scheduler are built before on_init_end, then
    dashboard_logger.add_config. fit sets total_steps_done = restore_step, then per epoch: a new
    KeepAverage, epochs_done = epoch, train_epoch: the loader is built, on_train_epoch_start, per batch
    train_step, on_train_epoch_end, then each scheduler.step() if scheduler_after_epoch (default True).
    train_step: on_train_step_start; per optimizer (index when several): model.train_step -> losses,
    backward, optimizer.step(), scheduler.step() if not scheduler_after_epoch, zero_grad, losses made
    floats (`.detach().cpu().item()`; "loss" renamed loss_<idx> with several optimizers);
    KeepAverage of "avg_" + each; current_lr(_<idx>) added every print_step; rank 0:
    dashboard_logger.train_step_stats(total_steps_done, losses) every plot_step; total_steps_done += 1;
    on_train_step_end."""

    def __init__(self, config: Dict[str, Any], model: torch.nn.Module, callbacks: Dict[str, Callable[[Any], None]],
                 make_optimizer: Callable[[torch.nn.Module], Any], make_scheduler: Callable[[Any], Any], batches_per_epoch: int = 5,
                 restore_step: int = 0):
        self.config = dict({"print_step": 25, "plot_step": 100, "scheduler_after_epoch": True, "grad_accum_steps": 1}, **config)
        self.model = model
        self.args = types.SimpleNamespace(rank=0, restore_path=None)
        self.total_steps_done = 0
        self.epochs_done = 0
        self.keep_avg_train = KeepAverage()
        self.dashboard_logger = DashboardLogger()
        self.train_loader = None
        self._batches = batches_per_epoch
        self.restore_step = restore_step
        self.optimizer = make_optimizer(model)
        for key in callbacks:
            if key not in _CALLBACK_KEYS:
                raise ValueError(f"Invalid callback key: {key}")
        self.callbacks = callbacks
        self._call("on_init_start")
        self.scheduler = make_scheduler(self.optimizer)
        self._call("on_init_end")
        self.dashboard_logger.add_config(self.config)

    def _call(self, key: str) -> None:
        fn = self.callbacks.get(key)
        if fn is not None:
            fn(self)

    def fit(self) -> None:
        self.total_steps_done = self.restore_step
        for epoch in range(self.config["epochs"]):
            self._call("on_epoch_start")
            self.keep_avg_train = KeepAverage()
            self.epochs_done = epoch
            self.train_epoch()
            self._call("on_epoch_end")

    def train_epoch(self) -> None:
        if self.train_loader is None:
            self.train_loader = batches(self._batches)
        self._call("on_train_epoch_start")
        for batch in self.train_loader:
            self.train_step(batch)
        self._call("on_train_epoch_end")
        if self.scheduler is not None and self.config["scheduler_after_epoch"]:
            for s in (self.scheduler if isinstance(self.scheduler, list) else [self.scheduler]):
                if s is not None:
                    s.step()

    def _optimize(self, batch, optimizer, scheduler, idx: Optional[int]) -> Dict[str, Any]:
        losses = self.model.train_step(batch, idx) if idx is not None else {"loss": mse(self.model, batch)}
        losses["loss"].backward()
        optimizer.step()
        if scheduler is not None and not self.config["scheduler_after_epoch"]:
            scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        out = {k: v if isinstance(v, (int, float)) else v.detach().cpu().item() for k, v in losses.items()}
        if idx is not None:
            out["loss_%d" % idx] = out.pop("loss")
        return out

    def train_step(self, batch) -> None:
        self._call("on_train_step_start")
        loss_dict: Dict[str, Any] = {}
        if isinstance(self.optimizer, list):
            for idx, opt in enumerate(self.optimizer):
                s = self.scheduler[idx] if self.scheduler is not None else None
                for k, v in self._optimize(batch, opt, s, idx).items():
                    loss_dict[f"{k}-{idx}" if k in loss_dict else k] = v
        else:
            loss_dict.update(self._optimize(batch, self.optimizer, self.scheduler, None))
        self.keep_avg_train.update_values({"avg_" + k: v for k, v in loss_dict.items()})
        if self.total_steps_done % self.config["print_step"] == 0:
            if isinstance(self.optimizer, list):
                loss_dict.update({f"current_lr_{i}": o.param_groups[0]["lr"] for i, o in enumerate(self.optimizer)})
            else:
                loss_dict["current_lr"] = self.optimizer.param_groups[0]["lr"]
            loss_dict.update({"step_time": 0.001, "loader_time": 0.0005})
        if self.args.rank == 0 and self.total_steps_done % self.config["plot_step"] == 0:
            self.dashboard_logger.train_step_stats(self.total_steps_done, loss_dict)
        self.total_steps_done += 1
        self._call("on_train_step_end")


class GanModel(torch.nn.Module):
    """A vocoder-shaped GAN (VITS order: optimizer 0 is the discriminator's)."""

    def __init__(self) -> None:
        super().__init__()
        self.net = small_model(1)
        self.disc = torch.nn.Sequential(torch.nn.Linear(1, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))

    def train_step(self, batch, idx: int) -> Dict[str, Any]:
        x, y = batch
        out = self.net(x)
        if idx == 0:
            loss = torch.nn.functional.mse_loss(self.disc(out.detach()), y)
            return {"loss": loss, "loss_disc": loss}
        loss = torch.nn.functional.mse_loss(out, y) + 0.1 * self.disc(out).mean()
        return {"loss": loss, "loss_gen": loss}

    def optimizers(self, lr_disc: float, lr_gen: float) -> List[Any]:
        return [torch.optim.Adam(self.disc.parameters(), lr=lr_disc), torch.optim.Adam(self.net.parameters(), lr=lr_gen)]


