"""The training-thread half of a run: `init`, `Run.log`, `Run.finish`.

Everything here is cheap on purpose. `Run.log` converts non-float values (tensors) to floats
so no tensor is kept alive, appends one tuple to a bounded deque and returns; validation,
merging, batching, HTTP and the spool live on the background threads (`_worker.py`).
"""
from __future__ import annotations

import atexit
import logging
import os
import sys
import threading
import time
import uuid
import weakref
from typing import Any, Dict, List, Optional

from . import _points
from ._log import once
from ._tensors import _PLAIN, snapshot
from ._worker import Options, Worker

DEFAULT_URL = "http://127.0.0.1:3000"
DEFAULT_SPOOL_DIR = ".lrscope-spool"

_live: "weakref.WeakSet[Run]" = weakref.WeakSet()
_live_lock = threading.Lock()


def _default_name() -> str:
    script = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] not in ("", "-c", "-m") else "run"
    stem = os.path.splitext(script)[0] or "run"
    return "%s-%s" % (stem, time.strftime("%Y%m%d-%H%M%S"))


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ[name])
    except (KeyError, ValueError):
        return default


class Run:
    """A run being recorded. Create it with `lrscope.init(...)`.

    Methods never raise into the training loop: problems are logged once on the "lrscope"
    logger. `finish()` (also called by `with`, and at interpreter exit) flushes with a timeout.
    """

    def __init__(
        self,
        name: Optional[str] = None,
        project: Optional[str] = None,
        schedule: Optional[Dict[str, Any]] = None,
        steps_per_epoch: Optional[int] = None,
        config: Optional[Dict[str, Any]] = None,
        tags: Optional[List[str]] = None,
        *,
        client_id: Optional[str] = None,
        url: Optional[str] = None,
        api_key: Optional[str] = None,
        spool_dir: Optional[str] = None,
        disabled: Optional[bool] = None,
        **options: Any,
    ):
        self.name = (name or _default_name())[:200]
        self.client_id = (client_id or uuid.uuid4().hex)[:64]
        self.url = (url or os.environ.get("LRSCOPE_URL") or DEFAULT_URL).rstrip("/")
        self.spool_dir = os.path.abspath(spool_dir or os.environ.get("LRSCOPE_SPOOL_DIR") or DEFAULT_SPOOL_DIR)
        self.schedule = schedule
        self.status: Optional[str] = None  # "finished" | "crashed" once finish() ran
        self._disabled = bool(disabled if disabled is not None else os.environ.get("LRSCOPE_MODE", "").lower() == "disabled")
        self._pid = os.getpid()
        self._last_step = -1
        self._step_source: Optional[Any] = None  # the watcher whose optimizer step `log(step=None)` uses
        self._finish_lock = threading.Lock()
        self._on_finish: List[Any] = []
        self._optimizers: Dict[str, Dict[str, Any]] = {}  # each optimizer's schedule and cadence, as last sent
        self._primary: Optional[Any] = None  # the first named watcher: its LR is also the run's

        key = api_key if api_key is not None else os.environ.get("LRSCOPE_API_KEY")
        if not key and not self._disabled:
            once("no-key", logging.WARNING, "lrscope: LRSCOPE_API_KEY is not set; the server will refuse the points, which are kept in %s", self.spool_dir)
        options.setdefault("flush_timeout", _env_float("LRSCOPE_FLUSH_TIMEOUT", 30.0))
        self._opts = Options(self.url, key, self.spool_dir, **options)

        body: Dict[str, Any] = {"name": self.name, "clientId": self.client_id}
        if project is not None:
            body["project"] = project
        if schedule is not None:
            body["schedule"] = _points.to_json_safe(schedule)
        if steps_per_epoch is not None:
            body["stepsPerEpoch"] = int(steps_per_epoch)
        if config is not None:
            body["config"] = _points.to_json_safe(dict(config))
        if tags is not None:
            body["tags"] = [str(t)[:100] for t in tags][:50]

        # `_worker` takes records until finish(); `_w` stays for the id and the final state.
        self._worker: Optional[Worker] = None
        if not self._disabled:
            self._worker = Worker(body, self._opts, self.client_id)
            self._q = self._worker.q
            self._maxlen = self._opts.max_queue
        self._w = self._worker
        with _live_lock:
            _live.add(self)

    # ---- identity ----

    @property
    def id(self) -> Optional[int]:
        """The server's id for this run. Waits up to 1 s for the run to be created (it is created
        in the background); None while the server is unreachable."""
        w = self._w
        if w is None:
            return None
        if w.run_id is None and not w.created.is_set():
            w.created.wait(1.0)
        return w.run_id

    def wait_id(self, timeout: float = 10.0) -> Optional[int]:
        """The server's id, waiting up to `timeout` seconds for the run to be created."""
        w = self._w
        if w is None:
            return None
        w.created.wait(timeout)
        return w.run_id

    # ---- recording ----

    def log(self, step: Optional[int] = None, lr: Any = None, loss: Any = None, epoch: Any = None, lrs: Any = None, **metrics: Any) -> None:
        """Records the values of one step. Returns at once; never raises.

        `step` counts optimizer steps from 0. Without it, the step is the optimizer step
        `lrscope.torch.watch` saw last, or else one more than the previous call's. Everything
        logged for one step is merged into one point before it is sent; metrics logged for a step
        after it was sent (an eval) are added by the server, while its lr and loss keep their first
        values. `loss` and metrics may be tensors or NaN/inf: a tensor is detached and cloned here
        (no device wait) and read on a background thread, so logging never stalls a GPU.
        """
        try:
            if step is None:
                src = self._step_source
                step = src.last_step if src is not None and src.last_step >= 0 else self._last_step + 1
            self._last_step = step
            if type(loss) not in _PLAIN:
                loss = snapshot(loss)
            if type(lr) not in _PLAIN:
                lr = snapshot(lr)
            if metrics:
                for k, v in metrics.items():
                    if type(v) not in _PLAIN:
                        metrics[k] = snapshot(v)
            self._put((step, lr, lrs, loss, epoch, metrics or None, None, time.time()))
        except Exception as e:  # never into the training loop
            once("log.error", logging.WARNING, "lrscope: run.log failed: %r", e)

    def _put(self, rec: tuple) -> None:
        w = self._worker
        if w is None:
            return
        q = self._q
        if len(q) >= self._maxlen:
            w.dropped += 1
            w.wake()
        q.append(rec)
        w.enqueued += 1

    def update(
        self,
        schedule: Optional[Dict[str, Any]] = None,
        steps_per_epoch: Optional[int] = None,
        config: Optional[Dict[str, Any]] = None,
        tags: Optional[List[str]] = None,
        cadence: Optional[Dict[str, Any]] = None,
        optimizers: Optional[Dict[str, Dict[str, Any]]] = None,
    ) -> None:
        """Changes the run's schedule, steps per epoch, config, tags or observed cadence (in order with
        the points). `optimizers` ({name: {"schedule": spec, "cadence": cadence}}) is merged into what
        this run sent before, and the whole map is sent: every update carries each optimizer's."""
        try:
            body: Dict[str, Any] = {}
            if optimizers:
                for name, entry in optimizers.items():
                    mine = self._optimizers.setdefault(str(name), {})
                    for k, v in entry.items():
                        mine[k] = _points.to_json_safe(v) if k == "schedule" else dict(v)
                body["optimizers"] = {n: dict(e) for n, e in self._optimizers.items()}
            if schedule is not None:
                body["schedule"] = _points.to_json_safe(schedule)
                self.schedule = schedule
            if steps_per_epoch is not None:
                body["stepsPerEpoch"] = int(steps_per_epoch)
            if config is not None:
                body["config"] = _points.to_json_safe(dict(config))
            if tags is not None:
                body["tags"] = [str(t)[:100] for t in tags][:50]
            if cadence is not None:
                body["cadence"] = dict(cadence)
            self._control(("u", body) if body else None)
        except Exception as e:
            once("update.error", logging.WARNING, "lrscope: run.update failed: %r", e)

    def _log_lr(self, step: int, lr: float, lrs: Any, epoch: Any, extra: Optional[Dict[str, Any]]) -> None:
        """What `watch` logs at each optimizer step: plain floats, and wire fields (`schedulerStep`,
        `optimizers`) that `log` does not take from users."""
        self._last_step = step
        self._put((step, lr, lrs, None, epoch, None, extra, time.time()))

    def _control(self, rec: Optional[tuple]) -> None:
        w = self._worker
        if w is None or rec is None:
            return
        self._put(rec)  # when full, the oldest record makes room
        w.wake()

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Waits until everything logged so far is on the server; False on timeout (it stays queued)."""
        w = self._worker
        if w is None:
            return True
        try:
            return w.flush(w.enqueued, self._opts.flush_timeout if timeout is None else timeout)
        except Exception as e:
            once("flush.error", logging.WARNING, "lrscope: flush failed: %r", e)
            return False

    def finish(self, status: str = "finished", timeout: Optional[float] = None) -> bool:
        """Marks the run finished (or "crashed") and flushes, waiting up to `timeout` seconds
        (default 30, LRSCOPE_FLUSH_TIMEOUT). What is not delivered by then is left in the spool
        for `python -m lrscope sync`. Returns whether everything was delivered. Idempotent."""
        with self._finish_lock:
            if self.status is not None:
                return True
            self.status = status if status in ("finished", "crashed") else "finished"
        try:
            for hook in self._on_finish:
                try:
                    hook()
                except Exception as e:
                    once("finish.hook", logging.WARNING, "lrscope: a finish hook failed: %r", e)
            w = self._worker
            if w is None:
                return True
            self._control(("f", self.status))
            self._worker = None  # later log() calls are ignored
            return w.close(w.enqueued, self._opts.flush_timeout if timeout is None else timeout)
        except Exception as e:
            once("finish.error", logging.WARNING, "lrscope: finish failed: %r", e)
            return False
        finally:
            with _live_lock:
                _live.discard(self)

    # ---- context manager ----

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.finish("crashed" if exc_type is not None else "finished")

    def __repr__(self) -> str:
        w = self._w
        return "<lrscope.Run %r id=%s>" % (self.name, w.run_id if w else None)


def _at_exit() -> None:
    crashed = getattr(sys, "last_value", None) is not None  # set when the script died of an exception
    with _live_lock:
        runs = list(_live)
    for r in runs:
        if r._pid == os.getpid() and r.status is None:
            r.finish("crashed" if crashed else "finished")


atexit.register(_at_exit)
