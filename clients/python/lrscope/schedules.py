"""The schedule spec (docs/architecture.md, "Schedule spec") read from a scheduler object.

`spec_from_scheduler(scheduler)` returns `{"name", "params", "baseLr"}` — the class name and
the constructor's own keyword arguments, recovered from the object's attributes — or None for
a scheduler lrscope cannot describe. No torch import: objects are recognised by class name,
so Coqui's schedulers (and copies of them in user code) are recognised too.
"""
from __future__ import annotations

import functools
import logging
import math
from typing import Any, Callable, Dict, List, Optional

from ._log import once

# Schedules written in optimizer steps: their intended interval is "step" whatever the trainer does.
STEP_BY_DESIGN = {"OneCycleLR", "CyclicLR", "StepwiseGradualLR", "NoamLR"}
HF_NAMES = {
    "linear", "cosine", "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup",
    "inverse_sqrt", "warmup_stable_decay", "cosine_with_min_lr", "cosine_warmup_with_min_lr", "reduce_lr_on_plateau",
}
TORCH_NAMES = {
    "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "OneCycleLR",
    "CyclicLR", "LinearLR", "ConstantLR", "PolynomialLR", "SequentialLR", "ChainedScheduler", "ReduceLROnPlateau",
    "LambdaLR", "MultiplicativeLR",
}
COQUI_NAMES = {"StepwiseGradualLR", "NoamLR"}
KNOWN_NAMES = TORCH_NAMES | HF_NAMES | COQUI_NAMES


def design_interval(spec: Optional[Dict[str, Any]]) -> Optional[str]:
    """"step" for a schedule that is step-based by design; None for the ambiguous ones."""
    if not spec:
        return None
    name = spec.get("name")
    return "step" if name in STEP_BY_DESIGN or (name in HF_NAMES and name != "reduce_lr_on_plateau") else None


def _num(v: Any) -> Any:
    """A plain int or float (rounded to 12 significant digits: ratios recovered from products carry float noise)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    return float("%.12g" % f) if math.isfinite(f) else f


def _int_if_integral(v: Any) -> Any:
    f = _num(v)
    return int(f) if isinstance(f, float) and f.is_integer() else f


def _first(v: Any) -> Any:
    return v[0] if isinstance(v, (list, tuple)) and v else v


def _base_lr(s: Any) -> Optional[float]:
    base = getattr(s, "base_lrs", None)
    if isinstance(base, (list, tuple)) and base:
        return float(base[0])
    opt = getattr(s, "optimizer", None)
    groups = getattr(opt, "param_groups", None)
    if groups:
        g = groups[0]
        return float(g.get("initial_lr", g.get("lr")))
    return None


def _group0(s: Any) -> Dict[str, Any]:
    groups = getattr(getattr(s, "optimizer", None), "param_groups", None)
    return groups[0] if groups else {}


def _one_cycle(s: Any) -> Optional[Dict[str, Any]]:
    g = _group0(s)
    total = int(s.total_steps)
    phases = list(getattr(s, "_schedule_phases", []))
    max_lr, initial, min_lr = float(g["max_lr"]), float(g["initial_lr"]), float(g["min_lr"])
    strategy = getattr(s, "_anneal_func_type", None)  # torch >= 2.2
    if strategy is None:
        fn = getattr(s, "anneal_func", None)
        strategy = "linear" if "linear" in getattr(fn, "__name__", "") else "cos"
    return {
        "max_lr": _num(max_lr),
        "total_steps": total,
        "pct_start": _num((float(phases[0]["end_step"]) + 1) / total) if phases else 0.3,
        "anneal_strategy": strategy,
        "div_factor": _num(max_lr / initial),
        "final_div_factor": _num(initial / min_lr) if min_lr else float("inf"),
        "three_phase": len(phases) == 3,
    }


def _cyclic(s: Any) -> Optional[Dict[str, Any]]:
    legacy_fn = getattr(s, "scale_fn", None) if not hasattr(s, "_scale_fn_ref") else None  # torch < 1.13 kept the function itself
    if getattr(s, "_scale_fn_custom", None) is not None or (legacy_fn is not None and not getattr(legacy_fn, "__name__", "").startswith("_")):
        once("spec.cyclic.custom", logging.INFO, "lrscope: CyclicLR with a custom scale_fn cannot be checked; its LR is still logged")
        return None
    total = float(s.total_size)
    up = round(total * float(s.step_ratio))
    return {
        "base_lr": _num(s.base_lrs[0]),
        "max_lr": _num(_first(s.max_lrs)),
        "step_size_up": _int_if_integral(up),
        "step_size_down": _int_if_integral(total - up),
        "mode": s.mode,
        "gamma": _num(s.gamma),
    }


def _milestones(m: Any) -> List[int]:
    elements = getattr(m, "elements", None)
    return sorted(int(x) for x in (elements() if callable(elements) else m))


def _gradual(s: Any) -> Dict[str, Any]:
    rates = getattr(s, "gradual_learning_rates", None)
    if rates is not None:
        return {"gradual_learning_rates": [[_int_if_integral(a), _num(b)] for a, b in rates]}
    # The idiap fork keeps the two columns apart, and computes the LR differently at the edges;
    # `variant` is lrscope's own parameter saying which code base's formula applies.
    rates = list(zip(s.step_thresholds, s.learning_rates))
    return {"gradual_learning_rates": [[_int_if_integral(a), _num(b)] for a, b in rates], "variant": "idiap"}


def _noam(s: Any) -> Dict[str, Any]:
    params: Dict[str, Any] = {"warmup_steps": _int_if_integral(s.warmup_steps)}
    if any("_get_closed_form_lr" in vars(c) for c in type(s).__mro__ if c.__name__ == "NoamLR"):
        params["variant"] = "idiap"  # the fork's NoamLR (with a closed form) runs one step ahead
    return params


def _plateau(s: Any) -> Dict[str, Any]:
    return {
        "mode": s.mode,
        "factor": _num(s.factor),
        "patience": s.patience,
        "threshold": _num(s.threshold),
        "threshold_mode": s.threshold_mode,
        "cooldown": s.cooldown,
        "min_lr": _num(_first(getattr(s, "min_lrs", [0]))),
        "eps": _num(s.eps),
    }


_PARAMS: Dict[str, Callable[[Any], Optional[Dict[str, Any]]]] = {
    "StepLR": lambda s: {"step_size": s.step_size, "gamma": _num(s.gamma)},
    "MultiStepLR": lambda s: {"milestones": _milestones(s.milestones), "gamma": _num(s.gamma)},
    "ConstantLR": lambda s: {"factor": _num(s.factor), "total_iters": s.total_iters},
    "LinearLR": lambda s: {"start_factor": _num(s.start_factor), "end_factor": _num(s.end_factor), "total_iters": s.total_iters},
    "ExponentialLR": lambda s: {"gamma": _num(s.gamma)},
    "PolynomialLR": lambda s: {"total_iters": s.total_iters, "power": _num(s.power)},
    "CosineAnnealingLR": lambda s: {"T_max": _int_if_integral(s.T_max), "eta_min": _num(s.eta_min)},
    "CosineAnnealingWarmRestarts": lambda s: {"T_0": s.T_0, "T_mult": s.T_mult, "eta_min": _num(s.eta_min)},
    "OneCycleLR": _one_cycle,
    "CyclicLR": _cyclic,
    "ReduceLROnPlateau": _plateau,
    "MultiplicativeLR": lambda s: {},
    "StepwiseGradualLR": _gradual,
    "NoamLR": _noam,
}

_OVERRIDES = ("get_lr", "_get_closed_form_lr", "step")


def _known_class(s: Any) -> Optional[str]:
    """The known scheduler class `s` is, or subclasses without changing how the LR is computed."""
    mro = type(s).__mro__
    for i, cls in enumerate(mro):
        if cls.__name__ in KNOWN_NAMES:
            for sub in mro[:i]:
                if any(k in vars(sub) for k in _OVERRIDES):
                    return None
            return cls.__name__
    return None


def spec_from_scheduler(s: Any, _depth: int = 0) -> Optional[Dict[str, Any]]:
    """{"name", "params", "baseLr"} for a scheduler object (no "interval": see `design_interval`), or None."""
    if s is None or _depth > 5:
        return None
    inner = getattr(s, "scheduler", None)  # accelerate's AcceleratedScheduler and similar wrappers
    if inner is not None and type(s).__name__ not in KNOWN_NAMES and hasattr(inner, "step"):
        return spec_from_scheduler(inner, _depth + 1)
    name = _known_class(s)
    if name is None:
        once("spec.unknown." + type(s).__name__, logging.INFO,
             "lrscope: %s is not a scheduler lrscope can check; the LR is still logged. Pass schedule= to describe it", type(s).__name__)
        return None
    try:
        if name in ("SequentialLR", "ChainedScheduler"):
            children = [spec_from_scheduler(c, _depth + 1) for c in getattr(s, "_schedulers", [])]
            if not children or any(c is None for c in children):
                return None
            params: Dict[str, Any] = {"schedulers": [{"name": c["name"], "params": c["params"]} for c in children if c]}
            if name == "SequentialLR":
                params["milestones"] = [int(m) for m in s._milestones]
        elif name == "LambdaLR":
            hf = hf_spec_from_lambdas(getattr(s, "lr_lambdas", []))
            if hf is not None:
                name, params = hf
            else:
                params = {}
        else:
            got = _PARAMS[name](s)
            if got is None:
                return None
            params = got
    except Exception as e:  # an attribute renamed in another torch version
        once("spec.error." + name, logging.INFO, "lrscope: could not read %s's parameters (%r); the LR is still logged", name, e)
        return None
    spec: Dict[str, Any] = {"name": name, "params": params}
    base = _base_lr(s)
    if base is not None:
        spec["baseLr"] = base
    return spec


# Hugging Face's get_scheduler returns a LambdaLR whose lambda is a functools.partial of a
# module-level function (transformers >= 4.33) or a closure inside get_*_schedule (older).
_HF_FUNCTIONS = {
    "_get_constant_lambda": "constant",
    "get_constant_schedule": "constant",
    "_get_constant_schedule_with_warmup_lr_lambda": "constant_with_warmup",
    "get_constant_schedule_with_warmup": "constant_with_warmup",
    "_get_linear_schedule_with_warmup_lr_lambda": "linear",
    "get_linear_schedule_with_warmup": "linear",
    "_get_cosine_schedule_with_warmup_lr_lambda": "cosine",
    "get_cosine_schedule_with_warmup": "cosine",
    "_get_cosine_with_hard_restarts_schedule_with_warmup_lr_lambda": "cosine_with_restarts",
    "get_cosine_with_hard_restarts_schedule_with_warmup": "cosine_with_restarts",
    "_get_polynomial_decay_schedule_with_warmup_lr_lambda": "polynomial",
    "get_polynomial_decay_schedule_with_warmup": "polynomial",
    "_get_inverse_sqrt_schedule_lr_lambda": "inverse_sqrt",
    "get_inverse_sqrt_schedule": "inverse_sqrt",
    "_get_wsd_scheduler_lambda": "warmup_stable_decay",
    "_get_cosine_with_min_lr_schedule_with_warmup_lr_rate_lambda": "cosine_warmup_with_min_lr",
}
_HF_PARAMS = {
    "num_warmup_steps", "num_training_steps", "num_cycles", "lr_end", "power", "timescale",
    "num_stable_steps", "num_decay_steps", "warmup_type", "decay_type", "min_lr_ratio", "min_lr_rate", "warmup_lr_rate",
}


def _hf_function(fn: Any) -> Optional[tuple]:
    if isinstance(fn, functools.partial):
        name = getattr(fn.func, "__name__", "")
        if name in _HF_FUNCTIONS and "transformers" in (getattr(fn.func, "__module__", "") or "transformers"):
            return name, dict(fn.keywords)
        return None
    qual = getattr(fn, "__qualname__", "")
    if fn is not None and getattr(fn, "__name__", "") == "_get_constant_lambda":
        return "_get_constant_lambda", {}
    if ".<locals>." in qual:
        outer = qual.split(".<locals>.")[0]
        if outer in _HF_FUNCTIONS:
            code, cells = getattr(fn, "__code__", None), getattr(fn, "__closure__", None) or ()
            names = code.co_freevars if code is not None else ()
            values = {}
            for n, c in zip(names, cells):
                try:
                    values[n] = c.cell_contents
                except ValueError:
                    pass
            return outer, values
    return None


def hf_spec_from_lambdas(lambdas: Any) -> Optional[tuple]:
    """(name, params) when every param group's lambda is the same Hugging Face schedule."""
    if not lambdas:
        return None
    found = [_hf_function(f) for f in lambdas]
    if any(f is None for f in found) or any(f != found[0] for f in found):
        return None
    fname, kw = found[0]  # type: ignore[misc]
    name = _HF_FUNCTIONS[fname]
    if name == "cosine" and "min_lr_rate" in kw:
        name = "cosine_with_min_lr"
    params = {k: _num(v) if not isinstance(v, str) else v for k, v in kw.items() if k in _HF_PARAMS}
    return name, params


def hf_spec(
    lr_scheduler_type: Any,
    learning_rate: Optional[float],
    num_training_steps: Optional[int],
    warmup_steps: Any = 0,
    warmup_ratio: Any = 0.0,
    lr_scheduler_kwargs: Optional[Dict[str, Any]] = None,
) -> Optional[Dict[str, Any]]:
    """The spec of a Hugging Face Trainer configuration (TrainingArguments.lr_scheduler_type & co).

    Warmup follows TrainingArguments.get_warmup_steps: warmup_steps when > 0 (a value below 1
    is a ratio in newer versions), else ceil(warmup_ratio × num_training_steps).
    """
    name = getattr(lr_scheduler_type, "value", lr_scheduler_type)
    name = str(name) if name is not None else "linear"
    kwargs = dict(lr_scheduler_kwargs or {})
    if name == "reduce_lr_on_plateau":  # metric-driven: unverifiable, and stepped at each evaluation
        spec = {"name": name, "params": {k: _num(v) if not isinstance(v, str) else v for k, v in kwargs.items()}}
        if learning_rate is not None:
            spec["baseLr"] = float(learning_rate)
        return spec
    if name not in HF_NAMES:
        once("spec.hf." + name, logging.INFO, "lrscope: Hugging Face schedule %r is not one lrscope can check; the LR is still logged", name)
        return None
    total = int(num_training_steps) if num_training_steps and num_training_steps > 0 else None
    ws = float(warmup_steps or 0)
    if 0 < ws < 1 and total:
        warm = math.ceil(ws * total)
    elif ws >= 1:
        warm = int(ws)
    else:
        warm = math.ceil(float(warmup_ratio or 0) * total) if total else 0
    params: Dict[str, Any] = {}
    if name != "constant":
        params["num_warmup_steps"] = warm
    if name not in ("constant", "constant_with_warmup", "inverse_sqrt") and total:
        params["num_training_steps"] = total
    for k, v in kwargs.items():
        params[k] = _num(v) if not isinstance(v, str) else v
    spec: Dict[str, Any] = {"name": name, "params": params, "interval": "step"}
    if learning_rate is not None:
        spec["baseLr"] = float(learning_rate)
    return spec


def coqui_spec(config: Any, base_lr: Optional[float] = None, variant: Optional[str] = None) -> Optional[Dict[str, Any]]:
    """The spec of a Coqui TTS/Trainer config: lr_scheduler, lr_scheduler_params, lr, scheduler_after_epoch.
    `variant` ("coqui" or "idiap") says which code base's StepwiseGradualLR/NoamLR the trainer runs.

    `scheduler_after_epoch` defaults to True in both code bases, so the trainer steps the scheduler
    once per epoch unless told otherwise: for a schedule that could mean either (ExponentialLR,
    StepLR, ...) that makes "epoch" the intended interval. Coqui's StepwiseGradualLR and NoamLR,
    OneCycleLR and CyclicLR are written in optimizer steps, so their intended interval stays
    "step" — and stepping them per epoch is exactly the failure lrscope exists to flag.
    """
    get = (lambda k, d=None: config.get(k, d)) if isinstance(config, dict) else (lambda k, d=None: getattr(config, k, d))
    name = get("lr_scheduler")
    if not name:
        return None
    name = str(name)
    if name not in KNOWN_NAMES:
        once("spec.coqui." + name, logging.INFO, "lrscope: Coqui lr_scheduler %r is not one lrscope can check; the LR is still logged", name)
        return None
    raw = get("lr_scheduler_params") or {}
    params = {k: v for k, v in dict(raw).items() if k not in ("last_epoch", "verbose")}
    if variant and name in COQUI_NAMES:
        params["variant"] = variant
    after_epoch = get("scheduler_after_epoch", True)
    after_epoch = True if after_epoch is None else bool(after_epoch)
    spec: Dict[str, Any] = {"name": name, "params": params, "interval": "step" if name in STEP_BY_DESIGN or not after_epoch else "epoch"}
    lr = get("lr", None) if base_lr is None else base_lr
    if isinstance(lr, (int, float)) and not isinstance(lr, bool):
        spec["baseLr"] = float(lr)
    return spec
