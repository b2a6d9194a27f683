"""`python -m lrscope watch DIR`: ship the logs a trainer writes under DIR to an lrscope server.

For a server that cannot see the training machine's disk. Standard library only. The files are
read as they grow and their new bytes are sent with their offsets (procedure sources.append);
the server writes them into its copy of DIR and parses that copy with the same parsers as
`--logdir`, so there is one parser, on the server. The server answers every chunk with how much
of the file it holds, and the next chunk starts there: a chunk sent twice changes nothing, and
after an outage (or a restart of this command) sending resumes where the server's copy ends. The
log files themselves are the spool: nothing is lost while the server is down.

Sent: event files (*tfevents*), metrics.csv and trainer_state.json, and the configs the server
reads the schedule from (lrscope.json, config.json, hparams.yaml, config.yaml).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import socket
import time
from typing import Callable, Dict, List, Optional, Tuple

from ._run import DEFAULT_URL
from ._transport import AUTH, OK, REJECTED, THROTTLED, Transport, dumps

CONFIGS = ("lrscope.json", "config.json", "hparams.yaml", "config.yaml", "trainer_state.json")
SKIP = re.compile(r"^(\..*|node_modules|__pycache__|checkpoint-\d+|wandb|mlruns)$")
CHUNK = 4 * 1024 * 1024
WHOLE_MAX = 8 * 1024 * 1024
HEAD = 64


def _name(text: str) -> str:
    return (re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "logs")[:100]


def is_appended(name: str) -> bool:
    """Files trainers append to: sent by offset. The others are rewritten whole: sent whole."""
    return "tfevents" in name or name == "metrics.csv"


def watched_files(root: str) -> List[str]:
    """Paths (relative, "/"-separated) of the files to send under root."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not SKIP.match(d))
        for f in sorted(filenames):
            if is_appended(f) or f in CONFIGS:
                out.append(os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, "/"))
    return out


class Watcher:
    def __init__(self, directory: str, url: Optional[str] = None, api_key: Optional[str] = None, host: Optional[str] = None, echo: Callable[[str], None] = print):
        self.root = os.path.abspath(directory)
        self.dir = _name(os.path.basename(self.root))
        self.host = _name(host or socket.gethostname())
        self.url = (url or os.environ.get("LRSCOPE_URL") or DEFAULT_URL).rstrip("/")
        key = api_key if api_key is not None else os.environ.get("LRSCOPE_API_KEY")
        self.transport = Transport(self.url, key, timeout=30.0)
        self.echo = echo
        # Per file: how much the server holds, the hash of the first bytes sent, and (whole files) what was sent.
        self.acked: Dict[str, int] = {}
        self.heads: Dict[str, str] = {}
        self.sent: Dict[str, Tuple[int, float]] = {}
        self.refused: Dict[str, str] = {}
        self.fatal: Optional[str] = None

    def _send(self, rel: str, offset: int, data: bytes, reset: bool = False) -> Optional[int]:
        body = {"host": self.host, "dir": self.dir, "path": rel, "offset": offset, "data": base64.b64encode(data).decode("ascii")}
        if reset:
            body["reset"] = True
        for _ in range(5):
            reply = self.transport.call("sources.append", dumps(body))
            if reply.outcome == OK:
                return int(reply.data["size"])
            if reply.outcome == THROTTLED:
                time.sleep(reply.retry_after or 1.0)
                continue
            if reply.outcome == AUTH:
                self.fatal = "%s refused the API key (HTTP %d: %s): set LRSCOPE_API_KEY" % (self.url, reply.status, reply.message)
            elif reply.outcome == REJECTED:
                self.refused[rel] = reply.message
                self.echo("lrscope watch: %s: %s" % (rel, reply.message))
            return None  # the server is down (RETRY): the next round resumes from what it holds
        return None

    def _head(self, path: str) -> str:
        with open(path, "rb") as f:
            return hashlib.sha1(f.read(HEAD)).hexdigest()

    def _append(self, rel: str, path: str, size: int) -> bool:
        """Sends what the server lacks of an appended file; False when the server cannot be reached."""
        if rel not in self.acked:
            got = self._send(rel, 0, b"")  # how much does it hold already?
            if got is None:
                return False
            self.acked[rel] = got
        head = self._head(path)
        if size < self.acked[rel] or (rel in self.heads and self.heads[rel] != head and self.acked[rel] >= HEAD):
            # Truncated or replaced: the server's copy starts over.
            with open(path, "rb") as f:
                got = self._send(rel, 0, f.read(CHUNK), reset=True)
            if got is None:
                return False
            self.acked[rel] = got
        self.heads[rel] = head
        while self.acked[rel] < size:
            with open(path, "rb") as f:
                f.seek(self.acked[rel])
                data = f.read(min(CHUNK, size - self.acked[rel]))
            got = self._send(rel, self.acked[rel], data)
            if got is None:
                return False
            if got == self.acked[rel] and data:
                break  # nothing taken (never expected): try again next round rather than loop
            self.acked[rel] = got
        return True

    def _whole(self, rel: str, path: str, st: os.stat_result) -> bool:
        sig = (st.st_size, st.st_mtime)
        if self.sent.get(rel) == sig or st.st_size > WHOLE_MAX:
            return True
        with open(path, "rb") as f:
            data = f.read()
        if rel.endswith(".json") and not _complete_json(data):
            return True  # caught mid-rewrite: the next round sends it
        if self._send(rel, 0, data, reset=True) is None:
            return False
        self.sent[rel] = sig
        return True

    def round(self) -> bool:
        """Sends everything new once; True when the server holds all of it."""
        for rel in watched_files(self.root):
            if rel in self.refused or self.fatal:
                continue
            path = os.path.join(self.root, *rel.split("/"))
            try:
                st = os.stat(path)
                ok = self._append(rel, path, st.st_size) if is_appended(os.path.basename(rel)) else self._whole(rel, path, st)
            except OSError as e:
                self.echo("lrscope watch: %s: %s" % (rel, e))
                continue
            if not ok:
                return False
        return self.fatal is None

    def run(self, interval: float = 2.0, once: bool = False) -> int:
        self.echo("lrscope watch: sending %s to %s as %s/%s" % (self.root, self.url, self.host, self.dir))
        down = False
        while True:
            caught_up = self.round()
            if self.fatal:
                self.echo("lrscope watch: " + self.fatal)
                return 1
            if caught_up and down:
                self.echo("lrscope watch: the server is back; resumed")
            if not caught_up and not down:
                self.echo("lrscope watch: cannot reach %s; retrying (the log files keep everything meanwhile)" % self.url)
            down = not caught_up
            if once and caught_up:
                return 0
            time.sleep(interval)


def _complete_json(data: bytes) -> bool:
    try:
        json.loads(data.decode("utf-8"))
        return True
    except ValueError:
        return False
