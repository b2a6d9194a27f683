"""Spooling while the server is unreachable, replay (in the same process and by
`python -m lrscope sync` from a new one), bounded memory, and the flush at exit."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import threading
import time
import unittest

from helpers import FAST, KEY, ServerTestCase, subprocess_env

PY = sys.executable


def spool_lines(path: str) -> list:
    with open(path) as f:
        return [json.loads(line) for line in f if line.endswith("\n")]


class SpoolAndReplay(ServerTestCase):
    def test_spools_while_the_server_is_down_and_replays_when_it_is_back(self):
        run = self.make_run(name="outage", batch_size=50, retries=2, backoff_max=0.05)
        for s in range(100):
            run.log(s, lr=0.1)
        self.assertTrue(run.flush(5))
        self.server.stop()
        with self.assertLogs("lrscope", logging.WARNING) as logs:
            for s in range(100, 400):
                run.log(s, lr=0.1)
                time.sleep(0.001)
            deadline = time.monotonic() + 5
            while not self.spool_files() and time.monotonic() < deadline:
                time.sleep(0.01)
        self.assertEqual(len([m for m in logs.output if "cannot reach" in m]), 1, logs.output)
        [name] = self.spool_files()
        self.assertGreater(len(spool_lines(os.path.join(self.spool, name))), 1)
        self.server.start()  # same port, same data
        self.assertTrue(run.finish(timeout=10))
        r = self.server.only_run()
        self.assertEqual(sorted(r.points), list(range(400)))
        self.assertEqual(r.status, "finished")
        self.assertEqual(self.spool_files(), [])

    def test_creates_the_run_later_when_the_server_is_down_at_start(self):
        self.server.stop()
        run = self.make_run(name="late", retries=1)
        for s in range(10):
            run.log(s, lr=0.1)
        time.sleep(0.3)
        self.assertIsNone(run.id)
        self.server.start()
        self.assertTrue(run.finish(timeout=10))
        self.assertEqual(sorted(self.server.only_run().points), list(range(10)))

    def test_sync_from_a_new_process_sends_what_an_earlier_process_spooled(self):
        self.server.stop()
        script = textwrap.dedent(
            """
            import lrscope
            run = lrscope.init(name="offline-run", url=%r, api_key="k", spool_dir=%r, flush_timeout=0.3, retries=1, backoff_base=0.01)
            for s in range(2500):
                run.log(s, lr=0.1 * 0.5 ** (s // 1000), loss=1.0 / (s + 1))
            run.update(steps_per_epoch=500)
            """
            % (self.server.url, self.spool)
        )
        t = time.monotonic()
        p = subprocess.run([PY, "-c", script], env=subprocess_env(), capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertLess(time.monotonic() - t, 10)  # the exit flush gave up after its timeout
        self.assertIn("python -m lrscope sync", p.stderr)
        [name] = self.spool_files()
        ops = [d.get("op") for d in spool_lines(os.path.join(self.spool, name))[1:]]
        self.assertEqual((ops[-1], ops.count("update"), ops.count("finish")), ("finish", 1, 1))

        self.server.start()
        p = subprocess.run([PY, "-m", "lrscope", "sync", "--dir", self.spool], env=subprocess_env(LRSCOPE_API_KEY=KEY), capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("2500 points sent", p.stdout)
        r = self.server.only_run()
        self.assertEqual(r.create["name"], "offline-run")
        self.assertEqual(sorted(r.points), list(range(2500)))
        self.assertEqual(r.points[1500]["lr"], 0.05)
        self.assertEqual(r.updates[-1]["stepsPerEpoch"], 500)
        self.assertEqual(r.status, "finished")
        self.assertEqual(self.spool_files(), [])
        p = subprocess.run([PY, "-m", "lrscope", "sync", "--dir", self.spool], env=subprocess_env(LRSCOPE_API_KEY=KEY), capture_output=True, text=True, timeout=30)
        self.assertEqual((p.returncode, p.stdout.startswith("nothing to sync")), (0, True))

    def test_sync_resumes_after_a_partial_replay_without_duplicates_or_gaps(self):
        self.server.stop()
        run = self.make_run(name="partial", batch_size=100, retries=1, flush_timeout=0.2)
        for s in range(1000):
            run.log(s, lr=0.1)
        with self.assertLogs("lrscope", logging.WARNING):
            self.assertFalse(run.finish())
        self.server.start()
        self.server.fail_with = [200] * 0 + [503] * 50  # the server fails again part-way
        self.server.fail_procedures = {"runs.log"}
        from lrscope.sync import sync

        calls = []
        first = sync(self.spool, api_key=KEY, retries=1, backoff_base=0.001, echo=calls.append)
        self.assertEqual(first[0].status, "failed")
        self.server.fail_with = []
        second = sync(self.spool, api_key=KEY, retries=2, backoff_base=0.001)
        self.assertEqual(second[0].status, "synced")
        r = self.server.only_run()
        self.assertEqual(sorted(r.points), list(range(1000)))
        self.assertEqual(r.status, "finished")

    def test_sync_skips_a_spool_a_live_process_holds(self):
        self.server.stop()
        run = self.make_run(name="live", retries=1, flush_timeout=0.2)
        run.log(0, lr=0.1)
        deadline = time.monotonic() + 5
        while not self.spool_files() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.server.start()
        self.server.fail_with = [503] * 1000  # keep the live run from replaying meanwhile
        from lrscope.sync import sync

        [res] = sync(self.spool, api_key=KEY)
        self.assertEqual(res.status, "skipped")
        self.server.fail_with = []

    def test_sync_ignores_a_torn_last_line(self):
        self.server.stop()
        run = self.make_run(name="torn", retries=1, flush_timeout=0.2)
        for s in range(5):
            run.log(s, lr=0.1)
        with self.assertLogs("lrscope", logging.WARNING):
            run.finish()
        [name] = self.spool_files()
        with open(os.path.join(self.spool, name), "a") as f:
            f.write('{"op":"log","points":[{"step":99')  # the process died mid-write
        self.server.start()
        from lrscope.sync import sync

        [res] = sync(self.spool, api_key=KEY)
        self.assertEqual(res.status, "synced")
        self.assertEqual(sorted(self.server.only_run().points), list(range(5)))


class BoundedMemory(ServerTestCase):
    def test_undelivered_batches_go_to_disk_not_memory(self):
        self.server.delay = 0.5  # a slow server: the outbox fills up
        run = self.make_run(name="spill", batch_size=100, max_outbox=2, timeout=5.0)
        worker = run._worker
        biggest = [0]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                biggest[0] = max(biggest[0], len(worker._outbox))
                time.sleep(0.001)

        threading.Thread(target=sample, daemon=True).start()
        for s in range(20_000):
            run.log(s, lr=0.1)
        time.sleep(0.5)
        stop.set()
        self.assertLessEqual(biggest[0], 2)
        self.assertEqual(len(self.spool_files()), 1)  # spilled, in order
        self.server.delay = 0
        self.assertTrue(run.finish(timeout=30))
        self.assertEqual(sorted(self.server.only_run().points), list(range(20_000)))
        self.assertEqual(self.spool_files(), [])

    def test_a_full_queue_drops_the_oldest_instead_of_growing_or_blocking(self):
        run = self.make_run(name="flood", max_queue=1000)
        worker = run._worker
        gate = threading.Event()
        collect = worker._collect
        worker._collect = lambda: (gate.wait(), collect())  # the collector is stuck
        t = time.perf_counter()
        for s in range(5000):
            run.log(s, lr=0.1)
        self.assertLess(time.perf_counter() - t, 1.0)
        self.assertEqual(len(worker.q), 1000)
        self.assertEqual(worker.dropped, 4000)
        gate.set()
        with self.assertLogs("lrscope", logging.WARNING) as logs:
            self.assertTrue(run.finish())
        # finish() queues one more record, which pushes out one more of the oldest points.
        self.assertTrue(any("4001 logged records were lost" in m for m in logs.output), logs.output)
        self.assertEqual(sorted(self.server.only_run().points), list(range(4001, 5000)))


class AtExit(ServerTestCase):
    def _script(self, body: str, **opts) -> subprocess.CompletedProcess:
        kw = dict(FAST, url=self.server.url, api_key=KEY, spool_dir=self.spool)
        kw.update(opts)
        script = "import lrscope\nrun = lrscope.init(name='exit', **%r)\n%s" % (kw, textwrap.dedent(body))
        return subprocess.run([PY, "-c", script], env=subprocess_env(), capture_output=True, text=True, timeout=60)

    def test_a_script_that_ends_without_finish_is_flushed_and_finished(self):
        p = self._script("for s in range(3000):\n    run.log(s, lr=0.1)\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        r = self.server.only_run()
        self.assertEqual((len(r.points), r.status), (3000, "finished"))

    def test_a_script_that_dies_of_an_exception_is_marked_crashed(self):
        p = self._script("run.log(0, lr=0.1)\nraise SystemError('boom')\n")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("boom", p.stderr)
        r = self.server.only_run()
        self.assertEqual((len(r.points), r.status), (1, "crashed"))

    def test_the_exit_flush_does_not_hang_on_a_server_that_is_down(self):
        self.server.stop()
        t = time.monotonic()
        p = self._script("for s in range(100):\n    run.log(s, lr=0.1)\n", flush_timeout=60.0, offline_timeout=0.5, retries=2)
        self.assertLess(time.monotonic() - t, 8)  # not the 60 s flush timeout: nothing is listening
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.spool_files()), 1)

    def test_the_exit_flush_gives_up_after_its_timeout_and_leaves_a_spool(self):
        self.server.stop()
        t = time.monotonic()
        p = self._script("for s in range(100):\n    run.log(s, lr=0.1)\n", flush_timeout=1.0, retries=2)
        self.assertLess(time.monotonic() - t, 8)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.spool_files()), 1)


if __name__ == "__main__":
    unittest.main()
