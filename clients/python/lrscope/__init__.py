"""lrscope: post a training run's learning rate (and loss, metrics) to an lrscope server,
which checks it against the configured schedule.

    import lrscope
    run = lrscope.init(name="resnet50", schedule={"name": "MultiStepLR", "params": {"milestones": [30, 60]}, "interval": "epoch", "baseLr": 0.1})
    run.log(step, lr=optimizer.param_groups[0]["lr"], loss=loss)
    run.finish()

Or let `lrscope.torch.watch(optimizer, scheduler)` log the LR and read the schedule for you.
Standard library only; never blocks or crashes training (see README.md).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

__version__ = "0.1.0"

from ._run import DEFAULT_SPOOL_DIR, DEFAULT_URL, Run  # noqa: E402

#: The run from the latest `init()`; what `lrscope.log`, `lrscope.finish` and `lrscope.torch.watch` use by default.
run: Optional[Run] = None


def init(
    name: Optional[str] = None,
    project: Optional[str] = None,
    schedule: Optional[Dict[str, Any]] = None,
    steps_per_epoch: Optional[int] = None,
    config: Optional[Dict[str, Any]] = None,
    tags: Optional[List[str]] = None,
    **options: Any,
) -> Run:
    """Starts a run and returns at once (the run is created on the server in the background).

    Reads LRSCOPE_URL (default http://127.0.0.1:3000) and LRSCOPE_API_KEY. Keyword options:
    client_id (reuse one to continue a run after a restart), url, api_key, spool_dir (default
    ./.lrscope-spool), disabled, batch_size (1000), flush_interval (0.5 s), flush_timeout (30 s),
    offline_timeout (5 s), max_queue (100,000 records), max_outbox (16 requests), retries (5),
    backoff_base (0.25 s), backoff_max (30 s), timeout (10 s per request). See README.md.
    """
    global run
    r = Run(name, project, schedule, steps_per_epoch, config, tags, **options)
    run = r
    return r


def log(step: Optional[int] = None, lr: Any = None, loss: Any = None, epoch: Any = None, lrs: Any = None, **metrics: Any) -> None:
    """`run.log(...)` on the current run; does nothing without one."""
    r = run
    if r is not None:
        r.log(step, lr=lr, loss=loss, epoch=epoch, lrs=lrs, **metrics)


def finish(status: str = "finished", timeout: Optional[float] = None) -> bool:
    """`run.finish(...)` on the current run."""
    r = run
    return r.finish(status, timeout) if r is not None else True


__all__ = ["Run", "init", "log", "finish", "run", "DEFAULT_URL", "DEFAULT_SPOOL_DIR", "__version__"]
