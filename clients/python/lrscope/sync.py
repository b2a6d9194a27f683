"""Replays spool files left by earlier runs: `python -m lrscope sync`.

A run whose server was unreachable (or refused the key) keeps what it could not send in
`<spool dir>/<clientId>.jsonl`. This sends it, in order, creating the run first with the same
clientId (so a run that was created before gets its missing points, not a twin), and deletes
each file once everything in it is delivered. Safe to run again: points are idempotent on
run + step, and progress is saved after each request.
"""
from __future__ import annotations

import os
import time
from typing import Callable, Dict, List, Optional

from ._spool import SpoolReader, spool_files
from ._transport import THROTTLED, Transport
from ._worker import backoff, create, deliver, op_from_line


class SyncResult:
    def __init__(self, path: str):
        self.path = path
        self.run_id: Optional[int] = None
        self.name: Optional[str] = None
        self.requests = 0
        self.points = 0
        self.status = "pending"  # "synced" | "skipped" | "failed"
        self.message = ""

    def __repr__(self) -> str:
        return "SyncResult(%s, run %s, %s %s)" % (os.path.basename(self.path), self.run_id, self.status, self.message)


def sync(
    directory: Optional[str] = None,
    url: Optional[str] = None,
    api_key: Optional[str] = None,
    retries: int = 5,
    backoff_base: float = 0.5,
    timeout: float = 30.0,
    echo: Callable[[str], None] = lambda s: None,
) -> List[SyncResult]:
    """Replays every spool file in `directory` (default LRSCOPE_SPOOL_DIR or ./.lrscope-spool).

    The server is `url`, else the one the run was meant for, else LRSCOPE_URL; the key is
    `api_key`, else LRSCOPE_API_KEY (keys are never written to the spool).
    """
    from ._run import DEFAULT_SPOOL_DIR, DEFAULT_URL

    directory = directory or os.environ.get("LRSCOPE_SPOOL_DIR") or DEFAULT_SPOOL_DIR
    key = api_key if api_key is not None else os.environ.get("LRSCOPE_API_KEY")
    results: List[SyncResult] = []
    transports: Dict[str, Transport] = {}
    for path in spool_files(directory):
        res = SyncResult(path)
        results.append(res)
        try:
            with SpoolReader(path) as reader:
                header = reader.header
                target = (url or header.get("url") or os.environ.get("LRSCOPE_URL") or DEFAULT_URL).rstrip("/")
                t = transports.get(target) or transports.setdefault(target, Transport(target, key, timeout))
                body = header.get("create") or {}
                res.name = body.get("name")
                outcome = _with_retries(lambda: create(t, body), retries, backoff_base)
                if outcome[0] != "done":
                    res.status = "failed" if outcome[0] != "dropped" else "rejected"
                    res.message = outcome[1].message if outcome[1] is not None else outcome[0]
                    echo("%s: run %r not created: %s" % (os.path.basename(path), res.name, res.message))
                    continue
                res.run_id = outcome[1].data["id"]  # type: ignore[union-attr]
                failed = False
                for d, end in reader.requests():
                    op = op_from_line(d)
                    if op is not None:
                        rid = res.run_id
                        result = _with_retries(lambda: deliver(t, rid, op, replay=True), retries, backoff_base)
                        if result[0] not in ("done", "dropped"):
                            res.status = "failed"
                            res.message = result[1].message if result[1] is not None else result[0]
                            failed = True
                            break
                        res.requests += 1
                        if op[0] == "log":
                            res.points += len(d.get("points") or [])
                    reader.mark_done(end)
                if failed:
                    echo("%s: run %s (%r) stopped after %d requests: %s" % (os.path.basename(path), res.run_id, res.name, res.requests, res.message))
                    continue
                reader.remove()
                res.status = "synced"
                echo("%s: run %s (%r): %d requests, %d points sent" % (os.path.basename(path), res.run_id, res.name, res.requests, res.points))
        except BlockingIOError:
            res.status = "skipped"
            res.message = "in use by a running process"
            echo("%s: skipped, in use by a running process" % os.path.basename(path))
        except (OSError, ValueError, KeyError, TypeError) as e:
            res.status = "failed"
            res.message = str(e)
            echo("%s: cannot read: %s" % (os.path.basename(path), e))
    for t in transports.values():
        t.close()
    return results


def _with_retries(call, retries: int, base: float):
    result = call()
    attempt = 0
    while result[0] not in ("done", "dropped"):
        if result[0] == THROTTLED and result[1] is not None and result[1].retry_after is not None:
            time.sleep(result[1].retry_after)
            result = call()
            continue
        attempt += 1
        if attempt >= retries:
            break
        time.sleep(backoff(attempt - 1, base, 10.0))
        result = call()
    return result


__all__ = ["sync", "SyncResult"]
