"""Shared set-up: the package under test from this checkout, a fake server, fast timings."""
from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import unittest

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PACKAGE_ROOT not in sys.path:
    sys.path.insert(0, PACKAGE_ROOT)

import lrscope  # noqa: E402
from lrscope._log import forget  # noqa: E402

from fake_server import KEY, FakeServer  # noqa: E402

# Quiet by default (tests that expect a message capture it with assertLogs).
logging.getLogger("lrscope").addHandler(logging.NullHandler())

# Waits shortened so a test takes fractions of a second; the logic is the same as with defaults.
FAST = dict(flush_interval=0.05, max_hold=0.2, backoff_base=0.01, backoff_max=0.1, retries=3, flush_timeout=5.0, timeout=2.0)


def subprocess_env(**extra: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = PACKAGE_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


class ServerTestCase(unittest.TestCase):
    """A fresh fake server and spool directory per test."""

    def setUp(self) -> None:
        forget()  # "logged once" is per process; each test starts with nothing reported
        self.server = FakeServer()
        self.spool = tempfile.mkdtemp(prefix="lrscope-spool-")
        self.runs = []

    def tearDown(self) -> None:
        for r in self.runs:
            r.finish(timeout=0.5)
        self.server.stop()
        shutil.rmtree(self.spool, ignore_errors=True)

    def make_run(self, **kw) -> "lrscope.Run":
        opts = dict(FAST, url=self.server.url, api_key=KEY, spool_dir=self.spool)
        opts.update(kw)
        r = lrscope.init(**opts)
        self.runs.append(r)
        return r

    def spool_files(self) -> list:
        return sorted(f for f in os.listdir(self.spool) if f.endswith(".jsonl")) if os.path.isdir(self.spool) else []
