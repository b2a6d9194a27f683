"""The training thread never reads a tensor's value (on a GPU that waits for the device): Run.log
and the integrations only detach and clone; the collector thread reads, exactly."""
from __future__ import annotations

import threading

from helpers import ServerTestCase
from torch_helpers import needs_torch, torch

from lrscope._tensors import numbers

_READS = ("item", "tolist", "cpu", "numpy", "__float__", "__int__", "__index__", "to", "_local_scalar_dense")


class StandIn:
    """A tensor stand-in: records which thread read its value (item, float, cpu, tolist)."""

    reads: list = []

    def __init__(self, value, requires_grad=True):
        self.value = value
        self.requires_grad = requires_grad

    def _read(self, how):
        StandIn.reads.append((how, threading.current_thread()))

    def detach(self):
        return StandIn(self.value, requires_grad=False)

    def clone(self):
        return StandIn(self.value, self.requires_grad)

    def item(self):
        self._read("item")
        return self.value

    def __float__(self):
        self._read("__float__")
        return float(self.value)

    def cpu(self):
        self._read("cpu")
        return self

    def tolist(self):
        self._read("tolist")
        return self.value


class NoReadOnTheTrainingThread(ServerTestCase):
    def setUp(self):
        super().setUp()
        StandIn.reads = []

    def test_run_log_leaves_reading_tensors_to_the_collector(self):
        run = self.make_run(name="standin")
        for s in range(300):
            run.log(s, lr=StandIn(0.1 / (s + 1)), loss=StandIn(2.0 - s / 1000), acc=StandIn(s / 300), n=StandIn(s))
        self.assertTrue(run.finish())
        on_training = [how for how, t in StandIn.reads if t is threading.main_thread()]
        self.assertEqual(on_training, [])
        self.assertGreaterEqual(len(StandIn.reads), 4 * 300)  # each value was read, elsewhere
        p = self.server.only_run().points[123]
        self.assertEqual((p["lr"], p["loss"], p["metrics"]), (0.1 / 124, 2.0 - 0.123, {"acc": 123 / 300, "n": 123.0}))


@needs_torch
class RealTensors(ServerTestCase):
    def test_values_arrive_exactly_and_a_tensor_changed_later_keeps_its_logged_value(self):
        run = self.make_run(name="exact")
        torch.manual_seed(0)
        w = torch.randn(4, requires_grad=True)
        acc = torch.zeros((), dtype=torch.float64)
        expected = {}
        for s in range(200):
            loss = (w * torch.randn(4)).sum() ** 2  # float32, with an autograd graph
            acc += loss.detach().double()  # an accumulator updated in place after it is logged
            half = loss.detach().half()
            count = torch.tensor(s * 7, dtype=torch.int64)
            run.log(s, loss=loss, running=acc, half=half, count=count, lr=torch.tensor(1e-3 / (s + 1)))
            expected[s] = (float(loss), float(acc), float(half), float(count), float(torch.tensor(1e-3 / (s + 1))))
            loss.backward()
        self.assertTrue(run.finish())
        pts = self.server.only_run().points
        for s, (loss, running, half, count, lr) in expected.items():
            p = pts[s]
            self.assertEqual((p["loss"], p["metrics"]["running"], p["metrics"]["half"], p["metrics"]["count"], p["lr"]), (loss, running, half, count, lr), s)

    def test_no_read_of_a_real_tensor_happens_on_the_training_thread(self):
        reads = []

        class Spy(torch.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                name = getattr(func, "__name__", "")
                if name in _READS:
                    reads.append((name, threading.current_thread()))
                return super().__torch_function__(func, types, args, kwargs or {})

        run = self.make_run(name="spy")
        for s in range(100):
            run.log(s, loss=torch.tensor(float(s), requires_grad=True).as_subclass(Spy) * 2, gn=torch.tensor(0.5).as_subclass(Spy))
        self.assertTrue(run.finish())
        self.assertTrue(reads, "the values were read somewhere")
        self.assertEqual([n for n, t in reads if t is threading.main_thread()], [])
        self.assertEqual(self.server.only_run().points[42]["loss"], 84.0)

    def test_values_drained_together_are_read_with_one_copy_per_device_and_dtype(self):
        copies = []
        real_stack = torch.stack

        def counting_stack(ts, *a, **k):
            copies.append(len(ts))
            return real_stack(ts, *a, **k)

        values = [torch.tensor(1.5), torch.tensor(2.5, dtype=torch.float64), torch.tensor(3.25), 4.0, torch.tensor(7), "x"]
        torch.stack = counting_stack
        try:
            out = numbers(values)
        finally:
            torch.stack = real_stack
        self.assertEqual(out, [1.5, 2.5, 3.25, 4.0, 7.0, "x"])
        self.assertEqual(copies, [2])  # the two float32 tensors; float64 and int64 alone use item()
