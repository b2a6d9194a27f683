"""Thin adapters for trainers that own the training loop: Hugging Face, Lightning, Coqui.

Each maps its trainer's configuration into a schedule spec and then uses
`lrscope.torch.watch` on the trainer's optimizer and scheduler. None of these libraries is a
dependency; each adapter only uses the callback interface, so it imports without them.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import lrscope


def start_run(run: Optional["lrscope.Run"], init_kwargs: Dict[str, Any], **defaults: Any):
    """(the run to use, whether this adapter started it and so should finish it)."""
    if run is not None:
        return run, False
    current = lrscope.run
    if current is not None and current.status is None:
        return current, False
    kwargs = dict(defaults)
    kwargs.update({k: v for k, v in init_kwargs.items() if v is not None})
    return lrscope.init(**kwargs), True


def numeric(values: Dict[str, Any]) -> Dict[str, Any]:
    """The entries of a log dict that are numbers (tensors included), under metric-safe names."""
    out: Dict[str, Any] = {}
    for k, v in values.items():
        if isinstance(v, bool) or v is None or isinstance(v, (str, bytes, dict, list, tuple)):
            continue
        if isinstance(v, (int, float)) or hasattr(v, "item"):
            out[str(k).replace(" ", "_")] = v
    return out
