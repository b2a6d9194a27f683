"""Tensors logged by the training thread, made into floats on the collector thread.

Reading a tensor's value (`.item()`, `float()`, `.cpu()`, `.tolist()`) waits for the device to
finish the work queued before it: on a GPU, a pipeline stall. So the training thread only takes
a snapshot (`snapshot`: detach, so no autograd graph is kept alive, and clone, so a tensor updated
in place later is logged with the value it had — both are queued on the device like any other op,
without waiting), and the collector thread reads the values (`resolve`): the tensors it drains at
once, grouped by device and dtype, cost one stacked copy to the host per group, not one wait each.
The queue holding them is bounded as before (max_queue records).
"""
from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional, Tuple

_PLAIN = (float, int, str, bool, type(None))


def snapshot(v: Any) -> Any:
    """On the training thread: a tensor detached and cloned (no device wait); anything else as it is."""
    if type(v) in _PLAIN:
        return v
    detach = getattr(v, "detach", None)
    if detach is None:
        return v  # a NumPy scalar, a Decimal: read on the collector thread
    try:
        t = detach()
        numel = getattr(t, "numel", None)
        if numel is not None and numel() != 1:
            return t  # not a number: dropped on the collector thread, not worth a copy
        clone = getattr(t, "clone", None)
        return clone() if clone is not None else t
    except Exception:
        return v


def to_number(v: Any) -> Any:
    """A float for anything number-like (NumPy scalars, one-element tensors); `v` itself if it is not one."""
    try:
        item = getattr(v, "item", None)
        if item is not None:
            v = item()
        return float(v)
    except Exception:
        return v


def numbers(values: List[Any]) -> List[Any]:
    """`to_number` of each value; one-element torch tensors sharing a device and dtype are read with
    one stacked copy to the host (one device wait) instead of one `.item()` each."""
    torch = sys.modules.get("torch")
    tensor_type = getattr(torch, "Tensor", None) if torch is not None else None
    out = list(values)
    groups: Dict[Tuple[Any, Any], List[int]] = {}
    for i, v in enumerate(values):
        if tensor_type is not None and isinstance(v, tensor_type) and not v.is_complex():
            try:
                if v.numel() == 1:
                    groups.setdefault((v.device, v.dtype), []).append(i)
                    continue
            except Exception:
                pass
        out[i] = to_number(v)
    for idx in groups.values():
        try:
            if len(idx) == 1:
                read = [values[idx[0]].item()]
            else:
                read = torch.stack([values[i].reshape(()) for i in idx]).tolist()  # type: ignore[union-attr]
            for i, x in zip(idx, read):
                out[i] = float(x)
        except Exception:
            for i in idx:
                out[i] = to_number(values[i])
    return out


def resolve(records: List[tuple]) -> None:
    """Replaces, in place, the tensors (and other non-plain numbers) in point records
    (step, lr, lrs, loss, epoch, metrics, optimizers, time) by floats."""
    where: List[Tuple[int, int, Optional[str]]] = []
    values: List[Any] = []
    for i, rec in enumerate(records):
        if len(rec) != 8:
            continue
        for f in (1, 3, 4):
            v = rec[f]
            if type(v) not in _PLAIN:
                where.append((i, f, None))
                values.append(v)
        m = rec[5]
        if m:
            for k, v in m.items():
                if type(v) not in _PLAIN:
                    where.append((i, 5, k))
                    values.append(v)
    if not values:
        return
    for (i, f, k), n in zip(where, numbers(values)):
        rec = records[i]
        if k is None:
            records[i] = rec[:f] + (n,) + rec[f + 1:]
        else:
            rec[5][k] = n  # the record owns its metrics dict (Run.log's **metrics)
