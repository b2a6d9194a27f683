"""The spool: what could not be delivered yet, on disk, in order, one file per run.

`<dir>/<clientId>.jsonl` starts with a header line (the run's create request, so a later
process can create the run with the same clientId, which the server makes idempotent),
followed by one line per request: {"op": "log", "points": [...]}, {"op": "update",
"body": {...}} or {"op": "finish", "status": ...}. `<clientId>.jsonl.done` holds the byte
offset replayed so far. Replaying twice is harmless: points are idempotent on run + step.

The process that writes a spool file holds an exclusive lock on it (fcntl, where available),
so `python -m lrscope sync` in another process leaves a live run's spool alone.
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterator, List, Optional, Tuple

try:
    import fcntl
except ImportError:  # Windows: no locking; do not run sync while the trainer runs
    fcntl = None  # type: ignore[assignment]

SUFFIX = ".jsonl"
DONE = ".done"
VERSION = 1


def _lock(fd: int) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


class SpoolFile:
    """One run's spool file. Appends and reads are called under the owner's lock."""

    def __init__(self, directory: str, client_id: str, header: Dict[str, Any]):
        self.directory = directory
        self.path = os.path.join(directory, client_id + SUFFIX)
        self._header = header
        self._f: Optional[Any] = None  # binary append handle, open while the file exists
        self._size = 0
        self.read_offset = 0

    @property
    def exists(self) -> bool:
        return self._f is not None

    def _open(self) -> None:
        os.makedirs(self.directory, exist_ok=True)
        f = open(self.path, "ab+")
        if not _lock(f.fileno()):
            f.close()
            raise OSError("spool file %s is locked by another process" % self.path)
        f.seek(0, os.SEEK_END)
        if f.tell() == 0:
            f.write((json.dumps(dict(self._header, lrscope=VERSION), separators=(",", ":")) + "\n").encode("utf-8"))
            f.flush()
        self._size = f.tell()
        self._f = f
        self.read_offset = _read_done(self.path) or _header_end(self.path)

    def append(self, lines: List[str]) -> None:
        if self._f is None:
            self._open()
        data = "".join(lines).encode("utf-8")
        assert self._f is not None
        self._f.write(data)
        self._f.flush()
        self._size += len(data)

    def pending(self) -> bool:
        return self._f is not None and self.read_offset < self._size

    def next_line(self) -> Optional[Tuple[Dict[str, Any], int]]:
        """The next unreplayed request and the offset after it; None at the end."""
        if self._f is None or self.read_offset >= self._size:
            return None
        with open(self.path, "rb") as r:
            r.seek(self.read_offset)
            raw = r.readline()
        if not raw.endswith(b"\n"):
            return None
        return json.loads(raw.decode("utf-8")), self.read_offset + len(raw)

    def mark_done(self, offset: int) -> None:
        self.read_offset = offset
        _write_done(self.path, offset)

    def remove_if_drained(self) -> bool:
        """Deletes the file once everything in it was delivered; True when gone (or never made)."""
        if self._f is None:
            return True
        if self.read_offset < self._size:
            return False
        _remove(self.path)
        try:
            self._f.close()
        except Exception:
            pass
        self._f = None
        self._size = 0
        self.read_offset = 0
        return True

    def close(self) -> None:
        """Releases the lock, leaving the file for `python -m lrscope sync`."""
        if self._f is not None:
            try:
                self._f.close()
            except Exception:
                pass
            self._f = None


def _header_end(path: str) -> int:
    with open(path, "rb") as r:
        return len(r.readline())


def _read_done(path: str) -> int:
    try:
        with open(path + DONE, "r") as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0


def _write_done(path: str, offset: int) -> None:
    tmp = path + DONE + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(offset))
    os.replace(tmp, path + DONE)


def _remove(path: str) -> None:
    for p in (path + DONE, path):
        try:
            os.remove(p)
        except OSError:
            pass


class SpoolReader:
    """A spool file left by another process, for `python -m lrscope sync`. Use as a context manager."""

    def __init__(self, path: str):
        self.path = path
        self._f: Optional[Any] = None
        self.header: Dict[str, Any] = {}

    def __enter__(self) -> "SpoolReader":
        self._f = open(self.path, "rb")
        if not _lock(self._f.fileno()):
            self._f.close()
            self._f = None
            raise BlockingIOError("in use by a running process")
        first = self._f.readline()
        self.header = json.loads(first.decode("utf-8"))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None

    def requests(self) -> Iterator[Tuple[Dict[str, Any], int]]:
        """Unreplayed requests in order, each with the offset to mark done after it; a torn last line is skipped."""
        assert self._f is not None
        start = max(_read_done(self.path), _header_end(self.path))
        self._f.seek(start)
        offset = start
        for raw in self._f:
            if not raw.endswith(b"\n"):
                break
            offset += len(raw)
            try:
                op = json.loads(raw.decode("utf-8"))
            except ValueError:
                continue
            yield op, offset

    def mark_done(self, offset: int) -> None:
        _write_done(self.path, offset)

    def remove(self) -> None:
        _remove(self.path)


def spool_files(directory: str) -> List[str]:
    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(SUFFIX))
    except OSError:
        return []
    return [os.path.join(directory, n) for n in names]
