"""`lrscope.torch.watch(optimizer, scheduler)`: log every optimizer step's LR, and the schedule, with no other code.

What it does, and why it cannot change training:

- At each `optimizer.step()` it reads every param group's `lr` just before the step runs (the
  LR that step uses) and, once the step has returned, logs it (lr = group 0, lrs = all groups
  when there are several) with a step counter. It only reads. With torch >= 2.0 it uses
  `register_step_pre_hook`/`register_step_post_hook`; older torch (Debian's 1.13) has no step
  hooks, so the instance's `step` is replaced by a bound method that calls the original with
  the same arguments and returns its result. It stays a bound method because PyTorch's LR
  schedulers wrap `optimizer.step` again and need `__self__`/`__func__` (see
  `_LRScheduler.__init__`, `with_counter`).
- It reads the configured schedule from the scheduler object (`lrscope.schedules`).
- It observes the cadence, how many optimizer steps pass between `scheduler.step()` calls,
  by wrapping `step` on the scheduler's class (once per class; calls on schedulers nobody
  watches pass straight through). Not on the instance: an attribute set there would end up in
  `scheduler.state_dict()` (which returns the instance `__dict__`) and break `torch.save` of
  checkpoints. Counters cannot stand in for it: CosineAnnealingWarmRestarts, SequentialLR and
  ChainedScheduler override `step` without counting (`_step_count`), and `last_epoch` stays put
  when `step(epoch)` is given fractional epochs. If the class cannot be patched, the scheduler's
  `_step_count` (or `last_epoch`) is read at each optimizer step instead.
- For ReduceLROnPlateau it also logs the value each `scheduler.step(metrics)` call is given, as
  the metric `scheduler_metric` of the latest optimizer step: the server replays the scheduler on
  those values and checks that every reduction took effect.
"""
from __future__ import annotations

import functools
import logging
import math
import operator
import re
import threading
import types
import weakref
from collections import Counter
from typing import Any, Callable, Dict, Optional

import lrscope

from ._log import once
from .schedules import design_interval, spec_from_scheduler

_watched: "weakref.WeakKeyDictionary[Any, Watcher]" = weakref.WeakKeyDictionary()
_scheduler_watchers: "weakref.WeakKeyDictionary[Any, Watcher]" = weakref.WeakKeyDictionary()
# The point metric carrying each value ReduceLROnPlateau.step(metrics) was given (the server replays the scheduler on them).
SCHEDULER_METRIC = "scheduler_metric"
_in_step = threading.local()  # schedulers inside a wrapped step() on this thread (super().step() is one call)
_WRAPPERS = ("AcceleratedOptimizer", "LightningOptimizer")
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _patch_scheduler_class(cls: type) -> bool:
    """Wraps `cls.step` so that calls on watched instances are reported. Idempotent."""
    current = getattr(cls, "step", None)
    if current is None:
        return False
    if getattr(current, "_lrscope_step", False):
        return True  # this class, or the one it inherits step() from, is already wrapped
    original = current

    @functools.wraps(original)
    def step(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not _scheduler_watchers:
            return original(self, *args, **kwargs)
        active = getattr(_in_step, "ids", None)
        if active is None:
            active = _in_step.ids = set()
        key = id(self)
        if key in active:
            return original(self, *args, **kwargs)
        active.add(key)
        try:
            result = original(self, *args, **kwargs)
        finally:
            active.discard(key)
        try:
            w = _scheduler_watchers.get(self)
        except TypeError:
            w = None
        if w is not None:
            w._scheduler_stepped(args, kwargs)
        return result

    step._lrscope_step = True  # type: ignore[attr-defined]
    try:
        cls.step = step  # type: ignore[attr-defined]
    except (TypeError, AttributeError):
        return False
    return True


def _fresh_plateau(s: Any) -> bool:
    """A ReduceLROnPlateau that has not been stepped or restored: the server's replay starts where it starts."""
    try:
        return s.last_epoch == 0 and s.num_bad_epochs == 0 and s.cooldown_counter == 0 and s.best == s.mode_worse
    except AttributeError:
        return False


def _high_median(counts: Counter) -> Optional[float]:
    n = sum(counts.values())
    if n == 0:
        return None
    k = n // 2
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen > k:
            return value
    return None


class Cadence:
    """How often scheduler.step() ran, in optimizer steps. A call's `position` is the number of
    optimizer steps done when it ran; its gap is the distance from the previous call's."""

    def __init__(self) -> None:
        self.optimizer_steps = 0
        self.scheduler_steps = 0
        self.before_optimizer_step: Optional[bool] = None
        self._last_position = 0
        self.last_gap: Optional[int] = None
        self._gaps: Counter = Counter()
        self._calls_per_position: Counter = Counter()  # closed runs of calls at one position
        self._run_position: Optional[int] = None
        self._run_calls = 0

    def calls(self, n: int, position: int) -> None:
        if n <= 0:
            return
        if self.before_optimizer_step is None:
            self.before_optimizer_step = position == 0  # PyTorch's "lr_scheduler.step() before optimizer.step()"
        gap = self.last_gap = position - self._last_position
        self._gaps[gap] += 1
        if n > 1:
            self._gaps[0] += n - 1  # the further calls at this position
            self.last_gap = 0
        self._last_position = position
        if self._run_position == position:
            self._run_calls += n
        else:
            if self._run_position is not None:
                self._calls_per_position[self._run_calls] += 1
            self._run_position, self._run_calls = position, n
        self.scheduler_steps += n

    def median_gap(self) -> Optional[float]:
        gap = _high_median(self._gaps)
        if gap is None:
            return None
        if gap > 0:
            return float(gap)
        runs = Counter(self._calls_per_position)  # several calls per optimizer step: 1/k
        if self._run_position is not None:
            runs[self._run_calls] += 1
        k = _high_median(runs)
        return 1.0 / k if k else None

    def as_dict(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {"optimizerSteps": self.optimizer_steps, "schedulerSteps": self.scheduler_steps}
        gap = self.median_gap()
        if gap is not None:
            d["medianGap"] = gap
        if self.before_optimizer_step is not None:
            d["beforeOptimizerStep"] = self.before_optimizer_step
        return d


def _unwrap_optimizer(opt: Any) -> Any:
    while type(opt).__name__ in _WRAPPERS and hasattr(getattr(opt, "optimizer", None), "param_groups"):
        opt = opt.optimizer
    return opt


def _unwrap_scheduler(s: Any) -> Any:
    inner = getattr(s, "scheduler", None)
    if s is not None and inner is not None and hasattr(inner, "step") and not hasattr(s, "base_lrs"):
        return inner
    return s


def _counter(s: Any) -> Optional[Callable[[], int]]:
    if s is None:
        return None
    if isinstance(getattr(s, "_step_count", None), int):
        return operator.attrgetter("_step_count")  # type: ignore[return-value]
    if isinstance(getattr(s, "last_epoch", None), int):  # ReduceLROnPlateau in torch < 2.2
        return operator.attrgetter("last_epoch")  # type: ignore[return-value]
    return None


class Watcher:
    """What `watch` returns. `last_step` is the index of the latest optimizer step (−1 before the first)."""

    def __init__(
        self,
        optimizer: Any,
        scheduler: Any,
        run: "lrscope.Run",
        steps_per_epoch: Optional[int],
        interval: Optional[str],
        schedule: Optional[Dict[str, Any]],
        start_step: int,
        every: int,
        name: Optional[str] = None,
    ):
        self.name = name
        if name is not None and run._primary is None:
            run._primary = self
        # The run's own lr/schedule/cadence are this watcher's: unnamed, or the first named one.
        self.primary = name is None or run._primary is self
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.run = run
        self.steps_per_epoch = int(steps_per_epoch) if steps_per_epoch else None
        self.cadence = Cadence()
        self.last_step = start_step - 1
        self.active = True
        self._next = start_step
        self._every = max(1, int(every))
        self._lr: Any = None
        self._lrs: Any = None
        self._sched_step: Optional[int] = None  # scheduler.last_epoch when the LR was read
        self.after_step: Optional[Callable[[int], None]] = None  # an integration's per-step hook (the step just taken)
        self._handles: list = []

        self._sched_get: Optional[Callable[[], int]] = None  # the polling fallback
        self._sched_seen = 0
        self._sched_wrapped = False
        self._plateau = False  # a wrapped, fresh ReduceLROnPlateau: the metric of each step(metric) is logged
        self._plateau_calls = 0
        self._sent_cadence: Optional[tuple] = None

        self.spec = self._resolve_spec(schedule, interval)
        self._needs_interval = self.spec is not None and not self.spec.get("interval")
        self._update(schedule=self.spec, steps_per_epoch=self.steps_per_epoch)

    def _update(self, schedule: Optional[Dict[str, Any]] = None, cadence: Optional[Dict[str, Any]] = None, steps_per_epoch: Optional[int] = None) -> None:
        """Sends this optimizer's schedule or cadence: as the run's, and under `optimizers` when named."""
        body: Dict[str, Any] = {}
        if self.primary:
            if schedule is not None:
                body["schedule"] = schedule
            if cadence is not None:
                body["cadence"] = cadence
        if self.name is not None:
            entry = {k: v for k, v in (("schedule", schedule), ("cadence", cadence)) if v is not None}
            if entry:
                body["optimizers"] = {self.name: entry}
        if steps_per_epoch:
            body["steps_per_epoch"] = steps_per_epoch
        if body:
            self.run.update(**body)

    def _resolve_spec(self, schedule: Optional[Dict[str, Any]], interval: Optional[str]) -> Optional[Dict[str, Any]]:
        if schedule is None and self.run.schedule is not None and self.primary:
            return None  # the user described it in init(); theirs wins
        spec = dict(schedule) if schedule is not None else spec_from_scheduler(self.scheduler)
        if spec is None:
            return None
        if interval in ("step", "epoch"):
            spec["interval"] = interval
        elif not spec.get("interval"):
            by_design = design_interval(spec)
            if by_design:
                spec["interval"] = by_design
            else:
                spec.pop("interval", None)
        if spec.get("baseLr") is None:
            try:
                g = self.optimizer.param_groups[0]
                spec["baseLr"] = float(g.get("initial_lr", g["lr"]))
            except Exception:
                spec.pop("baseLr", None)
        return spec

    # ---- on the training thread, at every optimizer step: keep it small ----

    def _pre(self) -> None:
        try:
            groups = self.optimizer.param_groups
            if len(groups) == 1:
                lr = groups[0]["lr"]
                self._lrs = None
            else:
                lrs = [g["lr"] if type(g["lr"]) is float else float(g["lr"]) for g in groups]
                lr = lrs[0]
                self._lrs = lrs
            self._lr = lr if type(lr) is float else float(lr)
            s = self.scheduler
            if s is not None:
                c = getattr(s, "last_epoch", None)
                self._sched_step = c if type(c) is int and c >= 0 else None
            get = self._sched_get
            if get is not None:
                c = get()
                if c != self._sched_seen:
                    self._scheduler_moved(c)
        except Exception as e:
            once("watch.pre", logging.WARNING, "lrscope: watch could not read the LR: %r", e)

    def _post(self) -> None:
        if not self.active:
            return
        try:
            step = self._next
            self._next = step + 1
            self.last_step = step
            n = self.cadence.optimizer_steps = self.cadence.optimizer_steps + 1
            if self._every == 1 or step % self._every == 0:
                spe = self.steps_per_epoch
                epoch = step // spe if spe else None
                ss = self._sched_step
                if self.name is None:
                    self.run._log_lr(step, self._lr, self._lrs, epoch, None if ss is None else {"schedulerStep": ss})
                else:
                    self._log_named(step, epoch, ss)
            if self.after_step is not None:
                self.after_step(step)
            if n >= 64 and n & (n - 1) == 0 and self._observes_scheduler and self.cadence.scheduler_steps == 0:
                self._send_cadence(force=True)  # a scheduler never stepped: say so at 64, 128, 256, ... optimizer steps
        except Exception as e:
            once("watch.post", logging.WARNING, "lrscope: watch could not log the step: %r", e)

    def _log_named(self, step: int, epoch: Optional[int], ss: Optional[int]) -> None:
        lr = self._lr
        if not (lr >= 0 and lr != math.inf):
            lr = None  # NaN or out of range: make_point drops the run-level one; the entry must not carry it
        entry: Dict[str, Any] = {} if lr is None else {"lr": lr}
        if self._lrs is not None and all(x >= 0 and x != math.inf for x in self._lrs):
            entry["lrs"] = self._lrs
        if ss is not None:
            entry["schedulerStep"] = ss
        extra: Dict[str, Any] = {"optimizers": {self.name: entry}}
        if self.primary:
            if ss is not None:
                extra["schedulerStep"] = ss
            self.run._log_lr(step, self._lr, self._lrs, epoch, extra)
        else:
            self.run._log_lr(step, None, None, epoch, extra)

    @property
    def _observes_scheduler(self) -> bool:
        return self._sched_wrapped or self._sched_get is not None

    def _scheduler_stepped(self, args: tuple = (), kwargs: Optional[Dict[str, Any]] = None) -> None:
        """After each scheduler.step() (the class wrapper calls this)."""
        if not self.active:
            return
        try:
            if self._plateau:
                self._record_metric(args, kwargs or {})
            c = self.cadence
            c.calls(1, c.optimizer_steps)
            n = c.scheduler_steps
            if n & (n - 1) == 0:
                self._send_cadence(force=True)  # counts refreshed at 1, 2, 4, 8, ... calls
            elif self._sent_cadence is None or c.last_gap != self._sent_cadence[0]:
                self._send_cadence()  # the median can move only when a call's gap is not the median
        except Exception as e:
            once("watch.sched", logging.WARNING, "lrscope: watch could not record scheduler.step(): %r", e)

    def _record_metric(self, args: tuple, kwargs: Dict[str, Any]) -> None:
        """ReduceLROnPlateau.step(metrics): the value rides on the latest optimizer step's point, so
        the server can replay the scheduler and check that each reduction took effect."""
        metric = args[0] if args else kwargs.get("metrics")
        try:
            value = float(metric)
        except (TypeError, ValueError):
            return
        self._plateau_calls += 1
        if getattr(self.scheduler, "last_epoch", self._plateau_calls) != self._plateau_calls:
            # Its state was loaded (a resume) or it was stepped with explicit epochs: a replay from
            # the values seen here would not match it, so stop offering them.
            self._plateau = False
            self._send_cadence(force=True)
            return
        if math.isfinite(value):
            self.run.log(max(self.last_step, 0), **{SCHEDULER_METRIC: value})

    def _scheduler_moved(self, c: int) -> None:
        delta = c - self._sched_seen
        self._sched_seen = c
        position = self.cadence.optimizer_steps
        if delta < 0 or (delta > 1 and position == 0 and self.cadence.scheduler_steps == 0):
            return  # a state_dict was loaded (resume): a new baseline, not calls
        self.cadence.calls(delta, position)
        n = self.cadence.scheduler_steps
        # Counts refreshed when the number of calls passes a power of two; gap changes at once.
        self._send_cadence(force=n.bit_length() != (n - delta).bit_length())

    def _send_cadence(self, force: bool = False) -> None:
        d = self.cadence.as_dict()
        if self._plateau:
            d["metric"] = SCHEDULER_METRIC  # each call's value is logged (_record_metric)
        key = (d.get("medianGap"), d.get("beforeOptimizerStep"))
        if not force and key == self._sent_cadence:
            return
        self._sent_cadence = key
        body: Dict[str, Any] = {"cadence": d}
        gap = d.get("medianGap")
        if self._needs_interval and gap is not None and self.spec is not None:
            iv = "step" if gap <= 1 else "epoch"
            if self.spec.get("interval") != iv:
                self.spec = dict(self.spec, interval=iv)
                body["schedule"] = self.spec
                if iv == "epoch" and not self.steps_per_epoch and float(gap).is_integer():
                    # Seen stepping once every `gap` optimizer steps: for the check, that is an epoch.
                    self.steps_per_epoch = int(gap)
                    body["steps_per_epoch"] = self.steps_per_epoch
        self._update(**body)

    def _final(self) -> None:
        """At run.finish: calls after the last optimizer step, and the final counts."""
        if not self._observes_scheduler or not self.active:
            return
        try:
            if self._sched_get is not None:
                c = self._sched_get()
                if c != self._sched_seen:
                    self._scheduler_moved(c)
            self._send_cadence(force=True)
        except Exception as e:
            once("watch.final", logging.WARNING, "lrscope: watch could not read the scheduler at finish: %r", e)

    def renumber(self, start_step: int) -> None:
        """Numbers steps from `start_step` when no optimizer step has been seen yet (a trainer that
        restores its step counter after the watch began)."""
        if self.cadence.optimizer_steps == 0:
            self._next = int(start_step)
            self.last_step = self._next - 1

    def close(self) -> None:
        """Stops logging. (A wrapped `step` stays in place, passing calls straight through: a scheduler
        created later may have wrapped it again, and unwrapping would drop that.)"""
        self.active = False
        if self.scheduler is not None:
            try:
                if _scheduler_watchers.get(self.scheduler) is self:
                    del _scheduler_watchers[self.scheduler]
            except TypeError:
                pass
        for h in self._handles:
            try:
                h.remove()
            except Exception:
                pass
        self._handles = []

    # ---- installation ----

    def _install(self) -> None:
        s = self.scheduler
        if s is not None:
            try:
                if _patch_scheduler_class(type(s)):
                    _scheduler_watchers[s] = self
                    self._sched_wrapped = True
                    self._plateau = any(c.__name__ == "ReduceLROnPlateau" for c in type(s).__mro__) and _fresh_plateau(s)
            except TypeError:  # not weak-referenceable
                pass
            if not self._sched_wrapped:
                get = _counter(s)
                if get is not None:
                    self._sched_seen = get(s)
                    self._sched_get = lambda: get(s)
        self._install_optimizer()

    def _install_optimizer(self) -> None:
        opt = self.optimizer
        if hasattr(opt, "register_step_pre_hook") and hasattr(opt, "register_step_post_hook"):
            self._handles = [
                opt.register_step_pre_hook(lambda o, args, kwargs: self._pre()),
                opt.register_step_post_hook(lambda o, args, kwargs: self._post()),
            ]
            return
        original = opt.step
        watcher = self

        def step(_self: Any, *args: Any, **kwargs: Any) -> Any:
            if watcher.active:
                watcher._pre()
            result = original(*args, **kwargs)
            watcher._post()
            return result

        step.__name__ = getattr(original, "__name__", "step")
        step.__doc__ = getattr(original, "__doc__", None)
        step.__wrapped__ = original  # type: ignore[attr-defined]
        if getattr(original, "_with_counter", False):
            # A scheduler already counts calls inside; tell a later one not to count twice.
            step._with_counter = True  # type: ignore[attr-defined]
        opt.step = types.MethodType(step, opt)


def watch(
    optimizer: Any,
    scheduler: Any = None,
    steps_per_epoch: Optional[int] = None,
    interval: Optional[str] = None,
    run: Optional["lrscope.Run"] = None,
    schedule: Optional[Dict[str, Any]] = None,
    start_step: int = 0,
    every: int = 1,
    name: Optional[str] = None,
) -> Optional[Watcher]:
    """Logs the LR of every param group at each optimizer step and sends the schedule read from
    `scheduler`, with its observed cadence, to the run (default: the one from `lrscope.init`,
    started with default settings if there is none).

    interval: "step" or "epoch", how often you mean scheduler.step() to run. Default: "step" for
    schedules that are step-based by design (OneCycleLR, CyclicLR, Hugging Face's, Coqui's
    StepwiseGradualLR/NoamLR), otherwise what the trainer is seen doing.
    schedule: a spec to send instead of the one read from `scheduler`.
    start_step: the first optimizer step's number (a resumed run). every: log every Nth step.
    name: for runs with several optimizers (a GAN's generator and discriminator), this one's name
    (letters, digits, _ . -; at most 64): its LR and schedule are sent under `optimizers[name]`
    and checked against its own schedule; the first named one is also the run's LR and schedule.
    Each point carries `schedulerStep`, the scheduler's `last_epoch` when the LR was read, so the
    server tells an optimizer step that was skipped (GradScaler) from a scheduler that stands still.
    Never raises: returns None (and logs why) when it cannot watch.
    """
    try:
        if run is None:
            run = lrscope.run if lrscope.run is not None and lrscope.run.status is None else lrscope.init()
        optimizer = _unwrap_optimizer(optimizer)
        scheduler = _unwrap_scheduler(scheduler)
        if not hasattr(optimizer, "param_groups") or not callable(getattr(optimizer, "step", None)):
            once("watch.not-optimizer", logging.WARNING, "lrscope: watch needs a torch optimizer, not %s", type(optimizer).__name__)
            return None
        old = _watched.get(optimizer)
        if old is not None:
            old.close()
        if name is not None and not _NAME.match(str(name)):
            once("watch.name", logging.WARNING, "lrscope: watch name %r: use 1 to 64 letters, digits, _ . -; watching without a name", name)
            name = None
        w = Watcher(optimizer, scheduler, run, steps_per_epoch, interval, schedule, start_step, every, None if name is None else str(name))
        w._install()
        _watched[optimizer] = w
        if w.primary:
            run._step_source = w
        run._on_finish.append(w._final)
        return w
    except Exception as e:
        once("watch.error", logging.WARNING, "lrscope: watch failed, training continues unwatched: %r", e)
        return None


__all__ = ["watch", "Watcher", "Cadence"]
