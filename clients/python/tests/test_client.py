"""The client against a fake server: batching, merging, retries, 4xx handling, never raising."""
from __future__ import annotations

import logging
import time
import unittest

from helpers import ServerTestCase, lrscope

from lrscope._worker import backoff


class Batching(ServerTestCase):
    def test_batches_by_size_and_delivers_every_point_once(self):
        run = self.make_run(name="sizes", batch_size=1000, flush_interval=10.0)
        for s in range(2500):
            run.log(s, lr=0.1, loss=1.0 / (s + 1))
        self.assertTrue(run.finish())
        stored = self.server.only_run().points
        self.assertEqual(sorted(stored), list(range(2500)))
        sizes = [len(c["body"]["points"]) for c in self.server.calls("runs.log")]
        self.assertTrue(all(n <= 1000 for n in sizes), sizes)
        self.assertLessEqual(len(sizes), 4, sizes)  # 1000 + 1000 + the rest (the newest step may travel alone)
        self.assertEqual(self.server.only_run().duplicates, 0)

    def test_sends_a_partial_batch_after_the_flush_interval_without_finish(self):
        run = self.make_run(name="time", batch_size=1000, flush_interval=0.1, max_hold=0.1)
        for s in range(3):
            run.log(s, lr=0.1)
        self.assertTrue(self.server.wait_for(lambda: sum(len(r.points) for r in self.server.runs.values()) == 3, 3.0))
        self.assertEqual(run.id, self.server.only_run().id)

    def test_merges_everything_logged_for_one_step_into_one_point(self):
        run = self.make_run(name="merge")
        for s in range(50):
            run.log(s, lr=0.01)  # what watch() logs at optimizer.step
            run.log(s, loss=2.0, acc=0.5)  # what the user logs right after
            run.log(s, grad_norm=3.0)
        run.finish()
        pts = self.server.only_run().points
        self.assertEqual(len(pts), 50)
        for s, p in pts.items():
            self.assertEqual((p["lr"], p["loss"], p["metrics"]), (0.01, 2.0, {"acc": 0.5, "grad_norm": 3.0}), s)

    def test_holds_the_newest_step_so_a_late_value_joins_it(self):
        run = self.make_run(name="hold", flush_interval=0.02, max_hold=1.0)
        run.log(0, lr=0.1)
        time.sleep(0.2)  # several flush intervals pass
        run.log(0, loss=1.5)
        run.log(1, lr=0.1)
        run.finish()
        self.assertEqual(self.server.only_run().points[0]["loss"], 1.5)

    def test_step_defaults_to_one_more_than_the_previous(self):
        run = self.make_run(name="auto")
        run.log(loss=1.0)
        run.log(loss=0.9)
        run.log(10, loss=0.5)
        run.log(loss=0.4)
        run.finish()
        self.assertEqual(sorted(self.server.only_run().points), [0, 1, 10, 11])

    def test_sends_nonfinite_loss_and_metrics_as_strings(self):
        run = self.make_run(name="nan")
        run.log(0, lr=0.1, loss=float("nan"), m=float("inf"), n=-float("inf"))
        run.finish()
        p = self.server.only_run().points[0]
        self.assertEqual((p["loss"], p["metrics"]["m"], p["metrics"]["n"]), ("NaN", "Infinity", "-Infinity"))

    def test_sends_create_fields_and_finish(self):
        spec = {"name": "MultiStepLR", "params": {"milestones": [2, 4], "gamma": 0.5}, "interval": "epoch", "baseLr": 0.1}
        run = self.make_run(name="full", project="default", schedule=spec, steps_per_epoch=100, config={"bs": 64, "nan": float("nan")}, tags=["a"])
        run.log(0, lr=0.1)
        run.finish()
        r = self.server.only_run()
        self.assertEqual(r.create["schedule"], spec)
        self.assertEqual((r.create["stepsPerEpoch"], r.create["config"], r.create["tags"], r.create["project"]), (100, {"bs": 64, "nan": "NaN"}, ["a"], "default"))
        self.assertEqual(len(r.create["clientId"]), 32)
        self.assertEqual(r.status, "finished")

    def test_same_client_id_is_the_same_run(self):
        a = self.make_run(name="a", client_id="resume-me")
        a.log(0, lr=0.1)
        a.finish()
        b = self.make_run(name="a", client_id="resume-me")
        b.log(1, lr=0.1)
        b.finish()
        self.assertEqual(a.id, b.id)
        self.assertEqual(sorted(self.server.only_run().points), [0, 1])

    def test_update_is_sent_in_order_and_leaves_the_open_step_open(self):
        run = self.make_run(name="upd")
        run.log(0, lr=0.1)
        run.update(schedule={"name": "StepLR", "params": {"step_size": 1}}, steps_per_epoch=10, cadence={"optimizerSteps": 1, "schedulerSteps": 0})
        run.log(1, lr=0.1)
        run.finish()
        procs = [c["procedure"] for c in self.server.requests]
        # The step being trained (0) stays open across the update, so values logged for it later still join it.
        self.assertEqual(procs, ["runs.create", "runs.update", "runs.log", "runs.finish"])
        self.assertEqual(sorted(self.server.only_run().points), [0, 1])
        self.assertEqual(self.server.only_run().updates[0]["stepsPerEpoch"], 10)


class Retries(ServerTestCase):
    def test_backoff_grows_exponentially_with_jitter_and_a_cap(self):
        for attempt in range(8):
            ds = [backoff(attempt, 0.25, 30.0) for _ in range(200)]
            full = min(30.0, 0.25 * 2**attempt)
            self.assertTrue(all(full / 2 <= d <= full for d in ds), (attempt, min(ds), max(ds)))
            self.assertGreater(len(set(ds)), 150)  # jittered, not one fixed delay

    def test_retries_server_errors_until_delivered(self):
        self.server.fail_with = [503, 502, 500]
        self.server.fail_procedures = {"runs.log"}
        run = self.make_run(name="retry", retries=5)
        for s in range(10):
            run.log(s, lr=0.1)
        self.assertTrue(run.finish())
        self.assertEqual(sorted(self.server.only_run().points), list(range(10)))
        statuses = [c["status"] for c in self.server.calls("runs.log")]
        self.assertEqual(statuses[:4], [503, 502, 500, 200])
        times = [c["time"] for c in self.server.calls("runs.log")[:4]]
        gaps = [b - a for a, b in zip(times, times[1:])]
        self.assertTrue(all(g >= 0.004 for g in gaps), gaps)  # it waited between attempts
        self.assertEqual(self.spool_files(), [])

    def test_waits_retry_after_on_429(self):
        self.server.fail_with = [429]
        self.server.retry_after = "1"
        self.server.fail_procedures = {"runs.log"}
        run = self.make_run(name="throttled")
        run.log(0, lr=0.1)
        self.assertTrue(run.finish())
        t = [c["time"] for c in self.server.calls("runs.log")]
        self.assertGreaterEqual(t[1] - t[0], 0.9)


class RejectedInput(ServerTestCase):
    def test_a_4xx_is_logged_once_with_the_servers_message_and_not_retried(self):
        self.server.always["runs.log"] = (400, "points: the fake refuses everything")
        run = self.make_run(name="bad", batch_size=10)
        with self.assertLogs("lrscope", logging.WARNING) as logs:
            for s in range(100):
                run.log(s, lr=0.1)
            self.assertTrue(run.finish())
        mine = [m for m in logs.output if "the fake refuses everything" in m]
        self.assertEqual(len(mine), 1, logs.output)
        self.assertLessEqual(len(self.server.calls("runs.log")), 11)  # each batch once
        self.assertEqual(self.server.only_run().status, "finished")
        self.assertEqual(self.spool_files(), [])

    def test_drops_only_the_point_the_server_names(self):
        run = self.make_run(name="one-bad")
        for s in range(20):
            run.log(s, lr=666 if s == 7 else 0.1)
        with self.assertLogs("lrscope", logging.WARNING) as logs:
            run.finish()
        self.assertEqual(sorted(self.server.only_run().points), [s for s in range(20) if s != 7])
        self.assertTrue(any("must not be 666" in m for m in logs.output), logs.output)

    def test_creates_the_run_without_a_schedule_the_server_rejects(self):
        with self.assertLogs("lrscope", logging.WARNING) as logs:
            run = self.make_run(name="bogus", schedule={"name": "Bogus", "params": {}})
            run.log(0, lr=0.1)
            run.finish()
        r = self.server.only_run()
        self.assertNotIn("schedule", r.create)
        self.assertEqual(len(r.points), 1)
        self.assertTrue(any("unknown scheduler" in m for m in logs.output))

    def test_drops_a_rejected_update_but_keeps_its_other_fields(self):
        run = self.make_run(name="upd-bogus")
        with self.assertLogs("lrscope", logging.WARNING):
            run.update(schedule={"name": "Bogus", "params": {}}, steps_per_epoch=7)
            run.finish()
        self.assertEqual(self.server.only_run().updates, [{"stepsPerEpoch": 7, "runId": 1}])

    def test_a_refused_key_keeps_everything_in_the_spool_and_says_so_once(self):
        run = self.make_run(name="nokey", api_key="wrong", flush_timeout=0.5)
        with self.assertLogs("lrscope", logging.ERROR) as logs:
            for s in range(30):
                run.log(s, lr=0.1)
            self.assertFalse(run.finish())
        self.assertEqual(len([m for m in logs.output if "refused the API key" in m]), 1, logs.output)
        self.assertEqual(len(self.spool_files()), 1)
        self.assertEqual(self.server.runs, {})


class NeverRaises(ServerTestCase):
    def test_bad_values_are_dropped_field_by_field_and_reported_once(self):
        run = self.make_run(name="garbage")
        with self.assertLogs("lrscope", logging.WARNING) as logs:
            for s in range(200):
                run.log(s, lr=float("nan"), loss=object(), epoch=-1, lrs=[0.1, float("inf")], **{"bad name!": 1.0, "ok": "x", "good": s})
                run.log("not a step", lr=0.1)
                run.log(-5, lr=0.1)
            run.finish()
        pts = self.server.only_run().points
        self.assertEqual(sorted(pts), list(range(200)))
        self.assertEqual(pts[3], {"step": 3, "metrics": {"good": 3.0}, "time": pts[3]["time"]})
        for needle in ("dropped lr nan", "dropped loss", "dropped epoch", "dropped lrs", "'bad name!'", "dropped metric 'ok'", "step 'not a step'"):
            self.assertEqual(len([m for m in logs.output if needle in m]), 1, (needle, logs.output))

    def test_nothing_raises_when_the_run_cannot_work_at_all(self):
        with self.assertLogs("lrscope", logging.WARNING):
            run = self.make_run(name="x", url="not a url at all://", flush_timeout=0.2)
            run.log(0, lr=0.1)
            run.update(config={"a": object()})
            self.assertIsNone(run.id)
            run.finish()
            run.finish()  # idempotent

    def test_log_returns_at_once_while_the_server_hangs(self):
        self.server.delay = 1.0
        run = self.make_run(name="slow", batch_size=5000, timeout=5.0)
        t = time.perf_counter()
        for s in range(20_000):
            run.log(s, lr=0.1, loss=1.0)
        elapsed = time.perf_counter() - t
        self.assertLess(elapsed, 0.5)  # ~20,000 × a few µs, while every request takes 1 s
        self.server.delay = 0
        self.assertTrue(run.finish(timeout=20))
        self.assertEqual(len(self.server.only_run().points), 20_000)

    def test_tensors_are_read_on_the_training_thread(self):
        class Tensorish:
            def __init__(self, v):
                self.v = v

            def item(self):
                return self.v

        run = self.make_run(name="tensor")
        run.log(0, lr=Tensorish(0.1), loss=Tensorish(2.5), acc=Tensorish(0.75))
        run.finish()
        p = self.server.only_run().points[0]
        self.assertEqual((p["lr"], p["loss"], p["metrics"]["acc"]), (0.1, 2.5, 0.75))


class ContextManager(ServerTestCase):
    def test_marks_the_run_crashed_on_an_exception_and_lets_it_propagate(self):
        with self.assertRaises(ZeroDivisionError):
            with self.make_run(name="boom") as run:
                run.log(0, lr=0.1)
                1 / 0
        self.assertEqual(self.server.only_run().status, "crashed")
        self.assertEqual(len(self.server.only_run().points), 1)

    def test_marks_the_run_finished_on_a_normal_exit(self):
        with self.make_run(name="fine") as run:
            run.log(0, lr=0.1)
        self.assertEqual(self.server.only_run().status, "finished")

    def test_module_level_helpers_use_the_current_run(self):
        run = self.make_run(name="current")
        self.assertIs(lrscope.run, run)
        lrscope.log(0, lr=0.2, loss=1.0)
        self.assertTrue(lrscope.finish())
        self.assertEqual(self.server.only_run().points[0]["lr"], 0.2)


class Lifecycle(ServerTestCase):
    def test_threads_end_after_finish_and_later_logs_are_ignored(self):
        run = self.make_run(name="ends")
        run.log(0, lr=0.1)
        self.assertTrue(run.finish())
        w = run._w
        w._collector.join(2)
        w._sender.join(2)
        self.assertFalse(w._collector.is_alive() or w._sender.is_alive())
        run.log(1, lr=0.1)
        self.assertEqual(sorted(self.server.only_run().points), [0])
        self.assertEqual(run.id, self.server.only_run().id)


class Disabled(unittest.TestCase):
    def test_disabled_mode_records_nothing_and_costs_nothing(self):
        run = lrscope.init(name="off", disabled=True)
        run.log(0, lr=0.1)
        self.assertIsNone(run.id)
        self.assertTrue(run.finish())


if __name__ == "__main__":
    unittest.main()
