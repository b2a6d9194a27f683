"""The background half of a run: everything that may be slow happens here, never in training.

Two daemon threads per run:

- the collector drains the in-memory queue the training thread appends to, validates and
  merges the records into points (one per step), cuts them into batches by size and by time,
  and hands each batch on as a request. It does no network I/O, so it can always keep memory
  bounded: when the sender falls behind (the outbox is full) or the server is unreachable,
  requests go to the spool file on disk instead of piling up in memory.
- the sender creates the run (lazily, with a clientId the server makes idempotent) and posts
  requests in order, with retries and exponential backoff with jitter. After `retries`
  consecutive failures it declares the server unreachable: the outbox moves to the spool,
  new requests follow it there, and the sender keeps probing at a slower pace. When the
  server answers again it replays the spool, in order, then goes back to memory.

Order is strict (first in, first out) because of one invariant: while the spool is in use
the outbox is empty, so every request waits behind the ones before it.
"""
from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections import deque
from typing import Any, Deque, Dict, List, Optional, Tuple

from . import _points
from ._log import forget, logger, once
from ._spool import SpoolFile
from ._tensors import resolve
from ._transport import AUTH, OK, REJECTED, THROTTLED, Reply, Transport, dumps

Op = Tuple[str, Any]  # ("log", points JSON) | ("update", body) | ("finish", status)

_OPTIONAL_CREATE_FIELDS = ("schedule", "stepsPerEpoch", "config", "tags")
_POINT_INDEX = re.compile(r"^points\[(\d+)\]")
_UNKNOWN_FIELDS = re.compile(r"^points\[\d+\]: unknown field\(s\) ([A-Za-z, ]+)")
_NEWER_POINT_FIELDS = {"schedulerStep", "optimizers"}


def _without(points_json: str, fields: set) -> str:
    pts = _json_loads(points_json)
    if not isinstance(pts, list):
        return points_json
    return _points.encode([{k: v for k, v in p.items() if k not in fields} for p in pts])


class Options:
    """Tuning knobs; the defaults suit a training run. Tests shorten the waits."""

    def __init__(
        self,
        url: str,
        api_key: Optional[str],
        spool_dir: str,
        batch_size: int = 1000,
        flush_interval: float = 0.5,
        max_hold: float = 2.0,
        max_queue: int = 100_000,
        max_outbox: int = 16,
        max_body: int = 8 * 1024 * 1024,
        timeout: float = 10.0,
        retries: int = 5,
        backoff_base: float = 0.25,
        backoff_max: float = 30.0,
        flush_timeout: float = 30.0,
        offline_timeout: float = 5.0,
    ):
        self.url = url
        self.api_key = api_key
        self.spool_dir = spool_dir
        self.batch_size = max(1, min(int(batch_size), 10_000))
        self.flush_interval = flush_interval
        self.max_hold = max_hold
        self.max_queue = max(1000, int(max_queue))
        self.max_outbox = max(1, int(max_outbox))
        self.max_body = max_body
        self.timeout = timeout
        self.retries = max(1, int(retries))
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.flush_timeout = flush_timeout
        # At finish: how long to keep trying a server that is already unreachable before leaving
        # the rest in the spool (a script should not hang for flush_timeout when nothing listens).
        self.offline_timeout = offline_timeout


def _line(op: Op) -> str:
    kind, data = op
    if kind == "log":
        return '{"op":"log","points":' + data + "}\n"
    if kind == "update":
        return dumps({"op": "update", "body": data}).decode("utf-8") + "\n"
    return dumps({"op": "finish", "status": data}).decode("utf-8") + "\n"


def op_from_line(d: Dict[str, Any]) -> Optional[Op]:
    kind = d.get("op")
    if kind == "log" and isinstance(d.get("points"), list):
        return ("log", _points.encode(d["points"]))
    if kind == "update" and isinstance(d.get("body"), dict):
        return ("update", d["body"])
    if kind == "finish":
        return ("finish", d.get("status") or "finished")
    return None


def _message_key(message: str) -> str:
    return re.sub(r"\d+", "#", message)[:160]


def deliver(transport: Transport, run_id: int, op: Op, replay: bool = False, unknown: Optional[set] = None) -> Tuple[str, Optional[Reply]]:
    """Sends one request. Returns ("done" | "dropped" | RETRY | THROTTLED | AUTH, reply).

    A request the server rejects (4xx) is never retried as it is: a bad point is removed and the
    rest of its batch sent again (the server names the point); anything else is dropped, and the
    server's message logged once.
    """
    kind, data = op
    if kind == "log":
        points_json = data
        unknown = set() if unknown is None else unknown  # point fields this server does not take
        if unknown:
            points_json = _without(points_json, unknown)
        for _ in range(101):
            reply = transport.call("runs.log", ('{"runId":%d,"points":%s}' % (run_id, points_json)).encode("utf-8"))
            if reply.outcome == OK:
                dup = (reply.data or {}).get("duplicates", 0) if isinstance(reply.data, dict) else 0
                if dup and not replay:
                    once("duplicates", logging.INFO,
                         "lrscope: the server already had %d of the points just sent; it keeps the first point per step, so log all of a step's values together (further cases not reported)", dup)
                return "done", reply
            if reply.outcome != REJECTED:
                return reply.outcome, reply
            fields = _UNKNOWN_FIELDS.match(reply.message)
            if reply.status == 400 and fields:
                names = {f.strip() for f in fields.group(1).split(",")}
                if names <= _NEWER_POINT_FIELDS and not names <= unknown:
                    once("older-server", logging.WARNING,
                         "lrscope: the server does not take %s on points (an older lrscope); they are left out, so it cannot tell a skipped optimizer step or check each optimizer", ", ".join(sorted(names)))
                    unknown |= names
                    points_json = _without(points_json, unknown)
                    continue
            m = _POINT_INDEX.match(reply.message)
            if reply.status == 400 and m:
                pts = _json_loads(points_json)
                i = int(m.group(1))
                if isinstance(pts, list) and 0 <= i < len(pts) and len(pts) > 1:
                    once("rejected.point." + _message_key(reply.message), logging.WARNING,
                         "lrscope: the server rejected a point (%s); it is dropped, the rest of its batch is kept", reply.message)
                    del pts[i]
                    points_json = _points.encode(pts)
                    continue
            once("rejected.log." + _message_key(reply.message), logging.WARNING,
                 "lrscope: the server rejected a batch of points (HTTP %d: %s); it is dropped", reply.status, reply.message)
            return "dropped", reply
        return "dropped", None
    if kind == "update":
        body = dict(data, runId=run_id)
        while True:
            reply = transport.call("runs.update", dumps(body))
            if reply.outcome == OK:
                return "done", reply
            if reply.outcome != REJECTED:
                return reply.outcome, reply
            field = _rejected_field(reply.message)
            once("rejected.update." + _message_key(reply.message), logging.WARNING,
                 "lrscope: the server rejected a run update (HTTP %d: %s); %s", reply.status, reply.message,
                 "that field is left out" if field in body and field != "runId" and len(body) > 2 else "it is dropped")
            if field in body and field != "runId" and len(body) > 2:
                del body[field]
                continue
            return "dropped", reply
    reply = transport.call("runs.finish", dumps({"runId": run_id, "status": data}))
    if reply.outcome == REJECTED:
        once("rejected.finish." + _message_key(reply.message), logging.WARNING,
             "lrscope: the server rejected finishing the run (HTTP %d: %s)", reply.status, reply.message)
        return "dropped", reply
    return ("done" if reply.outcome == OK else reply.outcome), reply


_UNRECOGNIZED = re.compile(r'Unrecognized keys?: "([^"]+)"')


def _rejected_field(message: str) -> str:
    """The body field a 4xx names: "schedule.name: ..." or, from a server that predates a field, 'Unrecognized key: "optimizers"'."""
    m = _UNRECOGNIZED.search(message)
    if m:
        return m.group(1)
    return message.split(".", 1)[0].split(":", 1)[0].split("[", 1)[0]


def create(transport: Transport, body: Dict[str, Any]) -> Tuple[str, Optional[Reply]]:
    """Creates (or finds, by clientId) the run; leaves out an optional field the server rejects."""
    body = dict(body)
    while True:
        reply = transport.call("runs.create", dumps(body))
        if reply.outcome == OK:
            return "done", reply
        if reply.outcome != REJECTED:
            return reply.outcome, reply
        field = _rejected_field(reply.message)
        if field in _OPTIONAL_CREATE_FIELDS and field in body:
            once("rejected.create." + field, logging.WARNING,
                 "lrscope: the server rejected the run's %s (%s); the run is created without it", field, reply.message)
            del body[field]
            continue
        once("rejected.create", logging.ERROR, "lrscope: the server refused to create the run (HTTP %d: %s); nothing of this run will be sent",
             reply.status, reply.message)
        return "dropped", reply


def _json_loads(s: str) -> Any:
    import json

    try:
        return json.loads(s)
    except ValueError:
        return None


def backoff(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with jitter: half fixed, half random, so many clients spread out."""
    d = min(cap, base * (2 ** min(attempt, 30)))
    return d * (0.5 + random.random() * 0.5)


class Worker:
    def __init__(self, create_body: Dict[str, Any], opts: Options, spool_stem: str):
        self.opts = opts
        self.create_body = create_body
        self.q: Deque[tuple] = deque(maxlen=opts.max_queue)
        self.enqueued = 0  # incremented by the training thread, one per record
        self.consumed = 0  # records the collector has taken in
        self.dropped = 0  # records lost to a full queue (the trainer outran the collector)
        self.run_id: Optional[int] = None
        self.created = threading.Event()
        self.dead = False  # the server refused to create the run

        self._lock = threading.Lock()
        self._outbox: Deque[Op] = deque()
        self._spooling = False
        self._spool = SpoolFile(opts.spool_dir, spool_stem, {"clientId": create_body["clientId"], "url": opts.url, "create": create_body})
        self._spool_broken = False
        self._unknown_fields: set = set()  # point fields the server turned down (an older server)

        self._pending: Dict[int, Dict[str, Any]] = {}
        self._pending_since = 0.0
        self._newest = -1
        self._newest_touch = 0.0
        self._force = False

        self._wake = threading.Event()
        self._send_wake = threading.Event()
        self._interrupt = threading.Event()
        self._closing = False
        self._abandon = False
        self._shutdown = False
        self._abandoned = threading.Event()
        self._finish_seen = False
        self._stopped = threading.Event()
        self.offline = False  # the sender has given up on the server for now and spools

        self._collector = threading.Thread(target=self._collect_loop, name="lrscope-collector", daemon=True)
        self._sender = threading.Thread(target=self._send_loop, name="lrscope-sender", daemon=True)
        self._collector.start()
        self._sender.start()

    # ---- called from the training side ----

    def wake(self) -> None:
        self._wake.set()

    def idle(self, target: int) -> bool:
        """Everything enqueued up to `target` has been delivered (or dropped as bad input)."""
        if self.dead:
            return True
        return (
            self.consumed + self.dropped >= target
            and not self.q
            and not self._pending
            and not self._outbox
            and not self._spool.pending()
            and self.run_id is not None
        )

    def flush(self, target: int, timeout: float, offline_timeout: Optional[float] = None) -> bool:
        self._force = True
        self._wake.set()
        start = time.monotonic()
        deadline = start + timeout
        give_up_offline = start + min(timeout, offline_timeout if offline_timeout is not None else timeout)
        try:
            while not self.idle(target):
                now = time.monotonic()
                if now >= deadline or (self.offline and now >= give_up_offline):
                    return False
                time.sleep(0.005)
            return True
        finally:
            self._force = self._closing

    def close(self, target: int, timeout: float) -> bool:
        """Final flush. What is not delivered within `timeout` goes to the spool file."""
        self._closing = True
        self._force = True
        self._interrupt.set()
        self._wake.set()
        delivered = self.flush(target, timeout, self.opts.offline_timeout)
        if not delivered and not self.dead:
            self._abandon = True
            self._abandoned.set()
            self._wake.set()
            deadline = time.monotonic() + 5.0
            while not self._stopped.is_set() and time.monotonic() < deadline:
                time.sleep(0.005)
            with self._lock:
                self._spill_locked()
                if self.run_id is None and not self._spool_broken:
                    try:
                        self._spool.append([])  # the header alone lets `sync` create the run
                    except OSError:
                        pass
            if self._spool.exists:
                logger.warning("lrscope: could not deliver everything to %s before exit; the rest is in %s — run `python -m lrscope sync` to send it",
                               self.opts.url, self._spool.path)
        with self._lock:
            if delivered:
                self._spool.remove_if_drained()  # the sender may not have got round to it
            self._spool.close()
        self._shutdown = True  # both threads end once idle: a long-lived process may start many runs
        self._wake.set()
        self._send_wake.set()
        if self.dropped:
            logger.warning("lrscope: %d logged records were lost because the queue was full (the training loop logged faster than lrscope could process)", self.dropped)
        return delivered

    # ---- collector ----

    def _collect_loop(self) -> None:
        tick = max(0.005, min(0.05, self.opts.flush_interval / 4))
        while True:
            self._wake.wait(tick)
            self._wake.clear()
            try:
                self._collect()
            except Exception:  # never let the thread die: training would silently stop being recorded
                once("collector.crash", logging.ERROR, "lrscope: internal error while collecting points: %s", _exc())
            if (self._abandon and self._finish_seen or self._shutdown) and not self.q:
                self._stopped.set()
                return

    def _collect(self) -> None:
        q = self.q
        pending = self._pending
        now = time.monotonic()
        while q:
            chunk = []
            while len(chunk) < 5000:
                try:
                    chunk.append(q.popleft())
                except IndexError:
                    break
            resolve(chunk)  # tensors become floats here, off the training thread
            for rec in chunk:
                if len(rec) == 8:
                    p = _points.make_point(*rec)
                    if p is not None:
                        s = p["step"]
                        old = pending.get(s)
                        if old is None:
                            if not pending:
                                self._pending_since = now
                            pending[s] = p
                        else:
                            _points.merge(old, p)
                        if s >= self._newest:
                            self._newest = s
                            self._newest_touch = now
                else:
                    kind, data = rec
                    # Points logged before an update or finish are sent before it; an update leaves
                    # the step being trained open, so what is logged for it next still joins it.
                    self._emit_points(force=True, now=now, keep_newest=kind == "u")
                    if kind == "f":
                        self._finish_seen = True
                    self._emit(("update", data) if kind == "u" else ("finish", data))
            self.consumed += len(chunk)
            if len(chunk) >= 5000:
                self._emit_points(force=False, now=now)
        self._emit_points(force=self._force, now=time.monotonic())

    def _emit_points(self, force: bool, now: float, keep_newest: bool = False) -> None:
        pending = self._pending
        if not pending:
            return
        size = self.opts.batch_size
        due = force or len(pending) >= size or now - self._pending_since >= self.opts.flush_interval
        if not due:
            return
        hold = None
        if (not force or keep_newest) and self._newest in pending and now - self._newest_touch < self.opts.max_hold:
            hold = self._newest  # the step being trained may still get its loss or metrics
        batch: List[Dict[str, Any]] = []
        for s in list(pending):
            if s == hold:
                continue
            batch.append(pending.pop(s))
            if len(batch) >= size:
                self._emit_batch(batch)
                batch = []
        if batch and (force or now - self._pending_since >= self.opts.flush_interval):
            self._emit_batch(batch)
        elif batch:
            for p in batch:  # a partial batch that is not due yet goes back
                pending[p["step"]] = p
        if pending:
            self._pending_since = now

    def _emit_batch(self, batch: List[Dict[str, Any]]) -> None:
        data = _points.encode(batch)
        if len(data) > self.opts.max_body and len(batch) > 1:
            half = len(batch) // 2
            self._emit_batch(batch[:half])
            self._emit_batch(batch[half:])
            return
        self._emit(("log", data))

    def _emit(self, op: Op) -> None:
        if self.dead:
            return
        with self._lock:
            if not self._spooling and not self._abandon and len(self._outbox) < self.opts.max_outbox:
                self._outbox.append(op)
                self._send_wake.set()
                return
            if not self._spooling:
                self._spill_locked()
            self._spool_locked([op])
        self._send_wake.set()

    def _spill_locked(self) -> None:
        """Moves the outbox to the spool (oldest first) and sends new requests there too."""
        self._spooling = True
        if self._outbox:
            ops = list(self._outbox)
            self._outbox.clear()
            self._spool_locked(ops)

    def _spool_locked(self, ops: List[Op]) -> None:
        if self._spool_broken:
            self._keep_in_memory(ops)
            return
        try:
            self._spool.append([_line(op) for op in ops])
        except OSError as e:
            self._spool_broken = True
            logger.error("lrscope: cannot write the spool file %s (%s); undelivered points stay in memory, the oldest are dropped beyond %d requests",
                         self._spool.path, e, 4 * self.opts.max_outbox)
            self._spooling = False
            self._keep_in_memory(ops)

    def _keep_in_memory(self, ops: List[Op]) -> None:
        for op in ops:
            if len(self._outbox) >= 4 * self.opts.max_outbox:
                self._outbox.popleft()
                once("outbox.overflow", logging.ERROR, "lrscope: dropping undelivered points: no spool file and the server is not taking them")
            self._outbox.append(op)

    # ---- sender ----

    def _send_loop(self) -> None:
        try:
            transport = Transport(self.opts.url, self.opts.api_key, self.opts.timeout)
        except ValueError as e:
            logger.error("lrscope: %s; everything is spooled to %s", e, self._spool.path)
            with self._lock:
                self._spill_locked()
            return
        failures = 0
        while True:
            if self._abandon:
                transport.close()
                return
            op, source, end = self._next_op()
            if source == "dead":
                return
            if source == "empty":
                if self._shutdown:
                    transport.close()
                    return
                self._send_wake.wait(0.05)
                self._send_wake.clear()
                continue
            if source == "skip":
                continue
            try:
                if source == "create":
                    outcome, reply = create(transport, self.create_body)
                else:
                    assert self.run_id is not None and op is not None
                    outcome, reply = deliver(transport, self.run_id, op, replay=source == "spool", unknown=self._unknown_fields)
            except Exception:
                once("sender.crash", logging.ERROR, "lrscope: internal error while sending: %s", _exc())
                outcome, reply = "dropped", None
            if outcome in ("done", "dropped"):
                self.offline = False
                if failures:
                    forget("offline")
                    if failures >= self.opts.retries:
                        logger.info("lrscope: %s is reachable again; sending what was spooled", self.opts.url)
                failures = 0
                self._consume(op, source, end, reply, outcome)
                continue
            if outcome == THROTTLED and reply is not None:
                # The server asked for this wait; honour it even while closing (up to a minute).
                wait = reply.retry_after if reply.retry_after is not None else backoff(1, self.opts.backoff_base, self.opts.backoff_max)
                self._abandoned.wait(min(wait, 60.0))
                continue
            failures += 1
            message = reply.message if reply is not None else "?"
            if outcome == AUTH:
                once("offline", logging.ERROR, "lrscope: %s refused the API key (HTTP %d: %s); keeping everything in %s — fix LRSCOPE_API_KEY and run `python -m lrscope sync`",
                     self.opts.url, reply.status if reply else 0, message, self._spool.path)
                failures = max(failures, self.opts.retries)
            if failures >= self.opts.retries:
                self.offline = True
                if outcome != AUTH:
                    once("offline", logging.WARNING, "lrscope: cannot reach %s (%s); spooling to %s and retrying in the background",
                         self.opts.url, message, self._spool.path)
                with self._lock:
                    if not self._spooling:
                        self._spill_locked()
            cap = 1.0 if self._closing else self.opts.backoff_max
            self._sleep(backoff(failures - 1, self.opts.backoff_base, cap))

    def _next_op(self) -> Tuple[Optional[Op], str, int]:
        """The oldest request not yet delivered: (op, where it is, spool offset after it)."""
        if self.dead:
            return None, "dead", 0
        if self.run_id is None:
            return None, "create", 0
        with self._lock:
            if self._outbox:
                return self._outbox[0], "outbox", 0
            if self._spooling:
                try:
                    nxt = self._spool.next_line()
                except (OSError, ValueError) as e:
                    once("spool.read", logging.ERROR, "lrscope: cannot read the spool file %s: %s", self._spool.path, e)
                    nxt = None
                if nxt is not None:
                    d, end = nxt
                    op = op_from_line(d)
                    if op is None:
                        self._spool.mark_done(end)
                        return None, "skip", 0
                    return op, "spool", end
                if self._spool.remove_if_drained():
                    self._spooling = False
        return None, "empty", 0

    def _consume(self, op: Optional[Op], source: str, end: int, reply: Optional[Reply], outcome: str) -> None:
        if source == "create":
            if outcome == "done" and reply is not None and isinstance(reply.data, dict) and isinstance(reply.data.get("id"), int):
                self.run_id = reply.data["id"]
                self.created.set()
                logger.info("lrscope: run %r is %s/runs/%d", self.create_body.get("name"), self.opts.url.rstrip("/"), self.run_id)
            else:
                self.dead = True
                with self._lock:
                    self._outbox.clear()
                self.created.set()
            return
        if source == "outbox":
            with self._lock:
                # The collector may have moved it to the spool meanwhile; then it is sent again from
                # there, which the server makes harmless.
                if self._outbox and self._outbox[0] is op:
                    self._outbox.popleft()
        else:
            with self._lock:
                try:
                    self._spool.mark_done(end)
                except OSError as e:
                    once("spool.done", logging.ERROR, "lrscope: cannot record replay progress in %s: %s", self._spool.path, e)

    def _sleep(self, seconds: float) -> None:
        if self._closing:
            seconds = min(seconds, 1.0)
        if self._interrupt.wait(seconds):
            self._interrupt.clear()  # close() cuts one long wait short, not every later one


def _exc() -> str:
    import traceback

    return traceback.format_exc(limit=3).strip().replace("\n", " | ")
