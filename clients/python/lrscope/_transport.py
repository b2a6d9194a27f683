"""Plain-JSON calls to the server's tRPC procedures over one kept-alive HTTP connection."""
from __future__ import annotations

import http.client
import json
import socket
import ssl
from typing import Any, Optional
from urllib.parse import urlsplit

from . import __version__

# Every outcome the sender acts on. Connection problems are not exceptions to it but a status.
OK = "ok"
RETRY = "retry"  # 5xx, timeouts, connection refused/reset: the server may come back
THROTTLED = "throttled"  # 429: wait Retry-After, then send again
AUTH = "auth"  # 401/403: the key is wrong for this server or project; keep data, tell the user
REJECTED = "rejected"  # other 4xx: this request will never succeed as it is


class Reply:
    __slots__ = ("outcome", "status", "data", "message", "retry_after")

    def __init__(self, outcome: str, status: int, data: Any = None, message: str = "", retry_after: Optional[float] = None):
        self.outcome = outcome
        self.status = status
        self.data = data
        self.message = message
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return "Reply(%s, %d, %r)" % (self.outcome, self.status, self.message or self.data)


class Transport:
    """Not thread-safe: one per sending thread."""

    def __init__(self, url: str, api_key: Optional[str], timeout: float = 10.0):
        parts = urlsplit(url if "://" in url else "http://" + url)
        if parts.scheme not in ("http", "https"):
            raise ValueError("LRSCOPE_URL must be an http:// or https:// URL, not %r" % url)
        self.url = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (443 if self._https else 80)
        self._base = parts.path.rstrip("/") + "/api/trpc/"
        self._key = api_key
        self._timeout = timeout
        self._conn: Optional[http.client.HTTPConnection] = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            if self._https:
                self._conn = http.client.HTTPSConnection(self._host, self._port, timeout=self._timeout, context=ssl.create_default_context())
            else:
                self._conn = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                pass
            self._conn = None

    def call(self, procedure: str, body: bytes) -> Reply:
        """POSTs `body` to the procedure. A kept-alive connection the server has closed meanwhile
        is retried once on a new connection at once (every procedure we call is idempotent)."""
        for attempt in (0, 1):
            reused = self._conn is not None
            try:
                return self._post(procedure, body)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, http.client.BadStatusLine) as e:
                self.close()
                if reused and attempt == 0:
                    continue
                return Reply(RETRY, 0, message="connection lost: %s" % (e or type(e).__name__))
            except (socket.timeout, TimeoutError):
                self.close()
                return Reply(RETRY, 0, message="no reply in %g s" % self._timeout)
            except (OSError, http.client.HTTPException) as e:
                self.close()
                return Reply(RETRY, 0, message=str(e) or type(e).__name__)
        return Reply(RETRY, 0, message="connection lost")  # not reached

    def _post(self, procedure: str, body: bytes) -> Reply:
        conn = self._connection()
        headers = {"Content-Type": "application/json", "User-Agent": "lrscope-python/" + __version__}
        if self._key:
            headers["Authorization"] = "Bearer " + self._key
        conn.request("POST", self._base + procedure, body=body, headers=headers)
        res = conn.getresponse()
        raw = res.read()
        status = res.status
        if res.getheader("connection", "").lower() == "close":
            self.close()
        try:
            doc = json.loads(raw.decode("utf-8")) if raw else {}
        except ValueError:
            doc = {}
        if 200 <= status < 300:
            result = doc.get("result") if isinstance(doc, dict) else None
            return Reply(OK, status, data=result.get("data") if isinstance(result, dict) else None)
        message = _error_message(doc) or "HTTP %d %s" % (status, res.reason)
        if status == 429:
            return Reply(THROTTLED, status, message=message, retry_after=_seconds(res.getheader("retry-after")))
        if status in (401, 403):
            return Reply(AUTH, status, message=message)
        if 400 <= status < 500 and status not in (408, 425):
            return Reply(REJECTED, status, message=message)
        return Reply(RETRY, status, message=message)


def _error_message(doc: Any) -> str:
    if isinstance(doc, dict):
        err = doc.get("error")
        if isinstance(err, dict):
            msg = err.get("message")
            if isinstance(msg, str):
                return msg
            json_err = err.get("json")  # a transformer-wrapped tRPC error
            if isinstance(json_err, dict) and isinstance(json_err.get("message"), str):
                return json_err["message"]
    return ""


def _seconds(v: Optional[str]) -> Optional[float]:
    try:
        return max(0.0, float(v)) if v is not None else None
    except ValueError:
        return None


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), allow_nan=False).encode("utf-8")


