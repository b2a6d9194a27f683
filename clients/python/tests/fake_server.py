"""A stand-in for the lrscope server, standard library only: the ingest procedures with the
real one's contract (plain JSON, Bearer key, idempotent create per clientId, runs.log all or
nothing and idempotent on run + step, field-naming 4xx messages), plus knobs to make it fail.
"""
from __future__ import annotations

import json
import math
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional

KEY = "lrs_test_key"


def _reject_constant(name: str) -> Any:
    raise ValueError("JSON has no %s" % name)  # like JSON.parse: NaN/Infinity literals are invalid


class Run:
    def __init__(self, rid: int, body: Dict[str, Any]):
        self.id = rid
        self.create = body
        self.points: Dict[int, Dict[str, Any]] = {}
        self.updates: List[Dict[str, Any]] = []
        self.status = "running"
        self.duplicates = 0


class FakeServer:
    def __init__(self, port: int = 0, key: str = KEY):
        self.key = key
        self.lock = threading.Lock()
        self.runs: Dict[int, Run] = {}
        self.by_client: Dict[str, int] = {}
        self.requests: List[Dict[str, Any]] = []  # every request: procedure, status, time, body
        self.fail_with: List[int] = []  # statuses to answer with, in order, before serving normally
        self.fail_procedures: Optional[set] = None  # only these procedures fail (None: all)
        self.always: Dict[str, tuple] = {}  # procedure -> (status, message) for every call
        self.retry_after: Optional[str] = None
        self.delay = 0.0
        self.point_fields_off: tuple = ()  # point fields it does not know, like a server from before them
        self._port = port
        self._httpd: Optional[ThreadingHTTPServer] = None
        self._connections: set = set()
        self.start()

    # ---- lifecycle ----

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self._port

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                with server.lock:
                    server._connections.add(self.connection)

            def finish(self) -> None:
                with server.lock:
                    server._connections.discard(self.connection)
                super().finish()

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                status, doc, headers = server._handle(self.path, self.headers.get("authorization"), raw)
                data = json.dumps(doc).encode("utf-8")
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting (a timeout test)

        ThreadingHTTPServer.allow_reuse_address = True
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._httpd.daemon_threads = True
        self._port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        """Goes down like a killed server: kept-alive connections are cut, new ones refused until start()."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        with self.lock:
            conns = list(self._connections)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    # ---- inspection ----

    def calls(self, procedure: str) -> List[Dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if r["procedure"] == procedure]

    def only_run(self) -> Run:
        with self.lock:
            assert len(self.runs) == 1, "expected one run, have %d" % len(self.runs)
            return next(iter(self.runs.values()))

    def wait_for(self, predicate, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if predicate():
                    return True
            time.sleep(0.01)
        return False

    # ---- the procedures ----

    def _handle(self, path: str, auth: Optional[str], raw: bytes):
        procedure = path.split("/api/trpc/", 1)[-1].split("?", 1)[0]
        if self.delay:
            time.sleep(self.delay)
        try:
            body = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except ValueError as e:
            body = None
            parse_error = str(e)
        with self.lock:
            entry = {"procedure": procedure, "time": time.monotonic(), "body": body, "status": 0}
            self.requests.append(entry)
            status, doc, headers = self._answer(procedure, auth, body, parse_error if body is None else "")
            entry["status"] = status
            return status, doc, headers

    def _answer(self, procedure: str, auth: Optional[str], body: Any, parse_error: str):
        if self.fail_with and (self.fail_procedures is None or procedure in self.fail_procedures):
            status = self.fail_with.pop(0)
            headers = {"retry-after": self.retry_after} if status == 429 and self.retry_after else {}
            return status, _error(status, "injected failure"), headers
        if procedure in self.always:
            status, message = self.always[procedure]
            return status, _error(status, message), {}
        if auth != "Bearer " + self.key:
            return 401, _error(401, "API key not recognised (wrong, or revoked)"), {}
        if body is None:
            return 400, _error(400, "invalid JSON: " + parse_error), {}
        handler = getattr(self, "_" + procedure.replace("runs.", ""), None)
        if handler is None:
            return 404, _error(404, "no procedure " + procedure), {}
        try:
            return 200, {"result": {"data": handler(body)}}, {}
        except BadRequest as e:
            return e.status, _error(e.status, str(e)), {}

    def _create(self, b: Dict[str, Any]) -> Dict[str, Any]:
        if not isinstance(b.get("name"), str) or not b["name"]:
            raise BadRequest("name: must not be empty")
        if "schedule" in b and (not isinstance(b["schedule"], dict) or b["schedule"].get("name") == "Bogus"):
            raise BadRequest("schedule.name: unknown scheduler")
        cid = b.get("clientId")
        if cid is not None and cid in self.by_client:
            return {"id": self.by_client[cid]}
        rid = len(self.runs) + 1
        self.runs[rid] = Run(rid, b)
        if cid is not None:
            self.by_client[cid] = rid
        return {"id": rid}

    def _run(self, b: Dict[str, Any]) -> Run:
        run = self.runs.get(b.get("runId"))  # type: ignore[arg-type]
        if run is None:
            raise BadRequest("runId: no run %r" % b.get("runId"), 404)
        return run

    def _log(self, b: Dict[str, Any]) -> Dict[str, Any]:
        run = self._run(b)
        pts = b.get("points")
        if not isinstance(pts, list) or not pts:
            raise BadRequest("points: must hold at least one point")
        if len(pts) > 10_000:
            raise BadRequest("points: at most 10000 points per batch; split it")
        seen = set()
        for i, p in enumerate(pts):
            extra = set(p) - ({"step", "epoch", "lr", "lrs", "loss", "metrics", "time", "schedulerStep", "optimizers"} - set(self.point_fields_off))
            if extra:
                raise BadRequest("points[%d]: unknown field(s) %s; a point has step, epoch, lr, lrs, loss, metrics, time" % (i, ", ".join(sorted(extra))))
            if "schedulerStep" in p and not _count(p["schedulerStep"]):
                raise BadRequest("points[%d].schedulerStep: must be an integer ≥ 0" % i)
            _check_optimizers(p.get("optimizers"), "points[%d].optimizers" % i, _optimizer_point)
            s = p.get("step")
            if not isinstance(s, int) or isinstance(s, bool) or s < 0:
                raise BadRequest("points[%d].step: must be an integer ≥ 0" % i)
            if s in seen:
                raise BadRequest("points[%d].step: duplicate step %d in one batch" % (i, s))
            seen.add(s)
            lr = p.get("lr")
            if lr is not None and (not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr < 0):
                raise BadRequest("points[%d].lr: must be a finite number ≥ 0" % i)
            if p.get("lr") == 666:  # a value this fake refuses, to exercise dropping one point of a batch
                raise BadRequest("points[%d].lr: must not be 666" % i)
            for k, v in (p.get("metrics") or {}).items():
                if not (isinstance(v, (int, float)) or v in ("NaN", "Infinity", "-Infinity")):
                    raise BadRequest("points[%d].metrics.%s: must be a number" % (i, k))
        accepted = 0
        for p in pts:
            if p["step"] in run.points:
                run.duplicates += 1
                # As the server does: a stored step keeps its values, and gains metrics it lacks.
                stored = run.points[p["step"]].setdefault("metrics", {})
                for k, v in (p.get("metrics") or {}).items():
                    stored.setdefault(k, v)
            else:
                run.points[p["step"]] = p
                accepted += 1
        return {"accepted": accepted, "duplicates": len(pts) - accepted}

    def _update(self, b: Dict[str, Any]) -> Dict[str, Any]:
        run = self._run(b)
        if "optimizers" in b and "optimizers" in self.point_fields_off:
            raise BadRequest('Unrecognized key: "optimizers"')  # as a server from before them words it
        _check_optimizers(b.get("optimizers"), "optimizers", _optimizer_run)
        if "schedule" in b and isinstance(b["schedule"], dict) and b["schedule"].get("name") == "Bogus":
            raise BadRequest("schedule.name: unknown scheduler")
        run.updates.append(b)
        return {"ok": True}

    def _finish(self, b: Dict[str, Any]) -> Dict[str, Any]:
        run = self._run(b)
        run.status = b.get("status") or "finished"
        return {"ok": True}


_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _optimizer_point(path: str, e: Dict[str, Any]) -> None:
    if set(e) - {"lr", "lrs", "schedulerStep"}:
        raise BadRequest("%s: unknown field(s) %s" % (path, ", ".join(sorted(set(e) - {"lr", "lrs", "schedulerStep"}))))
    lr = e.get("lr")
    if lr is not None and (not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr < 0):
        raise BadRequest("%s.lr: must be a finite number ≥ 0" % path)
    if "schedulerStep" in e and not _count(e["schedulerStep"]):
        raise BadRequest("%s.schedulerStep: must be an integer ≥ 0" % path)


def _optimizer_run(path: str, e: Dict[str, Any]) -> None:
    if set(e) - {"schedule", "cadence"}:
        raise BadRequest("%s: unknown field(s) %s" % (path, ", ".join(sorted(set(e) - {"schedule", "cadence"}))))


def _check_optimizers(opts: Any, path: str, check_entry) -> None:
    """The contract's `optimizers`: {name: entry}, names ^[A-Za-z0-9_.-]{1,64}$, at most 8."""
    if opts is None:
        return
    if not isinstance(opts, dict) or not opts or len(opts) > 8:
        raise BadRequest("%s: must map 1 to 8 optimizer names to their values" % path)
    for name, e in opts.items():
        if not _NAME.match(name):
            raise BadRequest("%s: optimizer name %r must be 1-64 letters, digits, _ . -" % (path, name))
        if not isinstance(e, dict):
            raise BadRequest("%s.%s: must be an object" % (path, name))
        check_entry("%s.%s" % (path, name), e)


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _error(status: int, message: str) -> Dict[str, Any]:
    return {"error": {"message": message, "code": -32600, "data": {"httpStatus": status}}}
