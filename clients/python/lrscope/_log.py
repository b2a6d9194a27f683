"""The "lrscope" logger, and problems reported once rather than once per step.

A training loop calls into lrscope thousands of times a second; a broken server or a bad
value must not turn into thousands of log lines. Each distinct problem (a key chosen by
the caller) is logged the first time only; later occurrences are counted.
"""
from __future__ import annotations

import logging
import threading
from typing import Dict

logger = logging.getLogger("lrscope")

_lock = threading.Lock()
_seen: Dict[str, int] = {}


def once(key: str, level: int, message: str, *args: object) -> bool:
    """Logs `message` the first time `key` is seen; returns whether it was logged."""
    with _lock:
        n = _seen.get(key, 0)
        _seen[key] = n + 1
    if n == 0:
        logger.log(level, message, *args)
        return True
    return False


def seen(key: str) -> int:
    """How often `key` has been reported (for tests and the exit summary)."""
    with _lock:
        return _seen.get(key, 0)


def forget(prefix: str = "") -> None:
    """Allows the problems whose key starts with `prefix` to be logged again (a problem that cleared)."""
    with _lock:
        for k in [k for k in _seen if k.startswith(prefix)]:
            del _seen[k]
