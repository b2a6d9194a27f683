"""Points on the wire: turning what a trainer logged into what the server accepts.

This runs on the background thread, never on the training thread. The server rejects a
whole batch for one bad value (a batch is all or nothing), so values it would refuse are
dropped here, one field at a time, and reported once.
"""
from __future__ import annotations

import json
import logging
import math
import re
from typing import Any, Dict, List, Optional

from ._log import once

MAX_STEP = 2_147_483_647
MAX_GROUPS = 1024
MAX_METRICS = 100
_METRIC_NAME = re.compile(r"^[A-Za-z0-9_./-]{1,100}$")
_RESERVED = ("lr", "loss", "expected_lr")
_NONFINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def _finite_nonneg(v: Any) -> Optional[float]:
    if isinstance(v, bool):
        return None
    try:
        f = float(v)
    except Exception:
        return None
    return f if math.isfinite(f) and f >= 0 else None


def _metric_value(v: Any) -> Any:
    """A JSON number, or "NaN"/"Infinity"/"-Infinity" (JSON has no literal for them); None if not a number."""
    if isinstance(v, str):
        return v if v in ("NaN", "Infinity", "-Infinity") else None
    try:
        f = float(v)
    except Exception:
        return None
    if math.isfinite(f):
        return v if type(v) is int else f
    return "NaN" if f != f else _NONFINITE[f]


def _step(v: Any) -> Optional[int]:
    if isinstance(v, bool):
        return None
    if type(v) is not int:
        try:
            f = float(v)
        except Exception:
            return None
        if not (math.isfinite(f) and f.is_integer()):
            return None
        v = int(f)
    return v if 0 <= v <= MAX_STEP else None


def make_point(step: Any, lr: Any, lrs: Any, loss: Any, epoch: Any, metrics: Optional[Dict[str, Any]], extra: Optional[Dict[str, Any]], t: float) -> Optional[Dict[str, Any]]:
    """One point in the server's shape, with every value it would reject dropped; None if the step itself is unusable."""
    s = _step(step)
    if s is None:
        once("point.step", logging.WARNING, "lrscope: dropped a point with step %r: a step must be an integer from 0 to %d", step, MAX_STEP)
        return None
    p: Dict[str, Any] = {"step": s}
    if epoch is not None:
        e = _finite_nonneg(epoch)
        if e is None:
            once("point.epoch", logging.WARNING, "lrscope: dropped epoch %r at step %d: an epoch must be a finite number >= 0", epoch, s)
        else:
            p["epoch"] = epoch if type(epoch) is int else e
    if lr is not None:
        f = _finite_nonneg(lr)
        if f is None:
            once("point.lr", logging.WARNING, "lrscope: dropped lr %r at step %d: the server stores only finite LRs >= 0", lr, s)
        else:
            p["lr"] = f
    if lrs is not None:
        try:
            vals = [_finite_nonneg(x) for x in lrs]
        except Exception:
            vals = [None]
        if not vals or None in vals or len(vals) > MAX_GROUPS:
            once("point.lrs", logging.WARNING, "lrscope: dropped lrs at step %d: a list of 1 to %d finite LRs >= 0 is expected", s, MAX_GROUPS)
        else:
            p["lrs"] = vals
    if loss is not None:
        v = _metric_value(loss)
        if v is None:
            once("point.loss", logging.WARNING, "lrscope: dropped loss %r at step %d: not a number", loss, s)
        else:
            p["loss"] = v
    if metrics:
        m = _metrics(metrics, s)
        if m:
            p["metrics"] = m
    if extra:
        p.update(extra)  # `watch`'s own fields (schedulerStep, optimizers), built valid
    p["time"] = t
    return p


def _metrics(metrics: Dict[str, Any], step: int) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for name, value in metrics.items():
        if not isinstance(name, str) or not _METRIC_NAME.match(name) or name in _RESERVED:
            once("metric.name." + str(name)[:100], logging.WARNING,
                 "lrscope: dropped metric %r: names use letters, digits and _ . / - (at most 100), and lr, loss, expected_lr are reserved", name)
            continue
        v = _metric_value(value)
        if v is None:
            once("metric.value." + name, logging.WARNING, "lrscope: dropped metric %r = %r at step %d: not a number", name, value, step)
            continue
        if len(out) >= MAX_METRICS:
            once("metric.count", logging.WARNING, "lrscope: a point may carry at most %d metrics; the rest are dropped", MAX_METRICS)
            break
        out[name] = v
    return out


def merge(into: Dict[str, Any], p: Dict[str, Any]) -> None:
    """Merges a later record for the same step into one point: one row per step on the wire.
    The server keeps a step's first lr and loss, and adds metrics the step does not have yet, so
    a record that comes after its step was sent (an eval) still counts."""
    for k, v in p.items():
        if k == "metrics":
            m = into.get("metrics")
            if m is None:
                into["metrics"] = v
            else:
                m.update(v)
                if len(m) > MAX_METRICS:
                    for extra in list(m)[MAX_METRICS:]:
                        del m[extra]
        elif k == "optimizers":
            into.setdefault("optimizers", {}).update(v)  # several watchers, one step
        elif k != "time":
            into[k] = v


def encode(points: List[Dict[str, Any]]) -> str:
    return json.dumps(points, separators=(",", ":"), allow_nan=False)


def to_json_safe(value: Any, depth: int = 0) -> Any:
    """A JSON-serialisable copy of a config or spec: non-finite floats as strings, unknown objects as str()."""
    if depth > 20:
        return str(value)
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else ("NaN" if value != value else _NONFINITE[value])
    if isinstance(value, dict):
        return {str(k): to_json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json_safe(v, depth + 1) for v in value]
    item = getattr(value, "item", None)
    if item is not None:
        try:
            return to_json_safe(item(), depth + 1)
        except Exception:
            pass
    enum_value = getattr(value, "value", None)
    if enum_value is not None and isinstance(enum_value, (str, int, float)):
        return to_json_safe(enum_value, depth + 1)
    return str(value)
