"""lrscope.torch.watch on real torch: it logs the LR each step used, reads the schedule and
its cadence, and changes nothing about training (parameters, LRs, return values, warnings,
checkpoints) — compared bit for bit against the same training without it."""
from __future__ import annotations

import io
import pickle
import unittest
import warnings

from helpers import ServerTestCase
from torch_helpers import StepwiseGradualLR, model_and_optimizer, needs_torch, sched, torch

import lrscope.torch as lt


def train(make_scheduler=None, watch_run=None, epochs=4, steps_per_epoch=5, per="epoch", opt_kind="sgd", groups=1,
          watch_first=False, closure=False, log_loss=False, order="after", watch_kwargs=None):
    """A small real training loop. Returns (parameters, LR used at each step, step() results, warnings, watcher)."""
    model, opt = model_and_optimizer(0.1, groups, kind=opt_kind)
    if closure:
        opt = torch.optim.LBFGS(model.parameters(), lr=0.5, max_iter=3)
    watcher = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if watch_run is not None and watch_first:
            watcher = lt.watch(opt, None, run=watch_run, **(watch_kwargs or {}))
        s = make_scheduler(opt) if make_scheduler else None
        if watch_run is not None and not watch_first:
            watcher = lt.watch(opt, s, steps_per_epoch=steps_per_epoch, run=watch_run, **(watch_kwargs or {}))
        g = torch.Generator().manual_seed(1)
        used, results = [], []
        for epoch in range(epochs):
            for i in range(steps_per_epoch):
                x = torch.randn(16, 6, generator=g)
                y = torch.randn(16, 1, generator=g)

                def loss_fn():
                    opt.zero_grad()
                    loss = torch.nn.functional.mse_loss(model(x), y)
                    loss.backward()
                    return loss

                if s is not None and per == "step" and order == "before":
                    s.step()
                used.append([grp["lr"] for grp in opt.param_groups])
                if closure:
                    results.append(float(opt.step(loss_fn)))
                else:
                    loss = loss_fn()
                    results.append(opt.step())
                if log_loss and watch_run is not None:
                    watch_run.log(loss=loss)
                if s is not None and per == "step" and order == "after":
                    s.step()
                if s is not None and per == "x4":
                    for _ in range(4):
                        s.step()
            if s is not None and per == "epoch":
                s.step()
    params = [p.detach().clone() for p in model.parameters()]
    return params, used, results, [str(w.message) for w in caught], watcher, opt, s


SETUPS = {
    "MultiStepLR per epoch": dict(make_scheduler=lambda o: sched.MultiStepLR(o, milestones=[1, 3], gamma=0.5)),
    "OneCycleLR per step": dict(make_scheduler=lambda o: sched.OneCycleLR(o, max_lr=0.05, total_steps=40), per="step"),
    "Adam, two groups, StepLR per step": dict(make_scheduler=lambda o: sched.StepLR(o, step_size=3, gamma=0.7), per="step", opt_kind="adam", groups=2),
    "watch before the scheduler exists": dict(make_scheduler=lambda o: sched.ExponentialLR(o, gamma=0.9), watch_first=True),
    "scheduler stepped before optimizer": dict(make_scheduler=lambda o: sched.StepLR(o, step_size=2), per="step", order="before"),
    "LBFGS with a closure": dict(make_scheduler=lambda o: sched.StepLR(o, step_size=2), closure=True),
    "SequentialLR": dict(make_scheduler=lambda o: sched.SequentialLR(o, [sched.ConstantLR(o, 0.5, 2), sched.ExponentialLR(o, 0.9)], milestones=[2])),
}


@needs_torch
class DoesNotChangeTraining(ServerTestCase):
    def test_identical_parameters_lrs_results_and_warnings_with_and_without_watch(self):
        for label, setup in SETUPS.items():
            with self.subTest(label):
                run = self.make_run(name=label)
                p0, lr0, r0, w0, _, _, _ = train(**setup)
                p1, lr1, r1, w1, watcher, _, _ = train(watch_run=run, **setup)
                self.assertIsNotNone(watcher)
                for a, b in zip(p0, p1):
                    self.assertTrue(torch.equal(a, b), label)
                self.assertEqual(lr0, lr1)
                self.assertEqual(r0, r1)
                self.assertEqual(w0, w1)  # PyTorch's own order warning still fires (or not) exactly as before
                run.finish()
                pts = self.server.runs[run.id].points
                self.assertEqual(sorted(pts), list(range(len(lr0))))
                for s, used in enumerate(lr0):
                    self.assertEqual(pts[s]["lr"], used[0], (label, s))  # the LR that step used
                    if len(used) > 1:
                        self.assertEqual(pts[s]["lrs"], used)

    def test_checkpoints_are_unchanged(self):
        make = lambda o: sched.StepLR(o, step_size=2)  # noqa: E731
        _, _, _, _, _, opt0, s0 = train(make_scheduler=make)
        run = self.make_run(name="ckpt")
        _, _, _, _, _, opt1, s1 = train(make_scheduler=make, watch_run=run)
        self.assertEqual(s0.state_dict(), s1.state_dict())
        self.assertEqual(set(opt0.state_dict()), set(opt1.state_dict()))
        buf = io.BytesIO()
        torch.save({"opt": opt1.state_dict(), "sched": s1.state_dict()}, buf)
        pickle.dumps(opt1)  # Optimizer.__getstate__ leaves the wrapper out

    def test_a_later_scheduler_does_not_warn_that_step_was_overridden(self):
        _, opt = model_and_optimizer()
        lt.watch(opt, None, run=self.make_run(name="later"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            s = sched.StepLR(opt, step_size=1)
            opt.step()
            s.step()
        self.assertEqual([str(w.message) for w in caught], [])


@needs_torch
class WatchLogs(ServerTestCase):
    def test_the_users_loss_joins_the_watched_point(self):
        run = self.make_run(name="loss")
        train(make_scheduler=lambda o: sched.StepLR(o, 3), watch_run=run, log_loss=True)
        run.finish()
        pts = self.server.only_run().points
        self.assertEqual(len(pts), 20)
        self.assertTrue(all("lr" in p and "loss" in p and p["epoch"] == s // 5 for s, p in pts.items()))

    def test_resumed_runs_number_steps_from_start_step(self):
        run = self.make_run(name="resume")
        model, opt = model_and_optimizer()
        s = sched.StepLR(opt, 2)
        lt.watch(opt, s, run=run, start_step=100)
        s.load_state_dict(dict(s.state_dict(), _step_count=51, last_epoch=50))  # loaded after watch: a new baseline
        for _ in range(3):
            opt.step()
            s.step()
        run.finish()
        r = self.server.only_run()
        self.assertEqual(sorted(r.points), [100, 101, 102])
        self.assertEqual(r.updates[-1]["cadence"], {"optimizerSteps": 3, "schedulerSteps": 3, "medianGap": 1.0, "beforeOptimizerStep": False})

    def test_close_stops_logging(self):
        run = self.make_run(name="close")
        _, opt = model_and_optimizer()
        w = lt.watch(opt, None, run=run)
        opt.step()
        w.close()
        opt.step()
        run.finish()
        self.assertEqual(sorted(self.server.only_run().points), [0])

    def test_never_raises_for_things_that_are_not_optimizers(self):
        run = self.make_run(name="bad")
        self.assertIsNone(lt.watch(object(), run=run))

    def test_uses_step_hooks_where_torch_has_them(self):
        class HookedOptimizer:  # the torch >= 2.0 interface
            def __init__(self):
                self.param_groups = [{"lr": 0.3}]
                self.pre, self.post = [], []

            def register_step_pre_hook(self, h):
                self.pre.append(h)

            def register_step_post_hook(self, h):
                self.post.append(h)

            def step(self):
                for h in self.pre:
                    h(self, (), {})
                for h in self.post:
                    h(self, (), {})

        run = self.make_run(name="hooks")
        opt = HookedOptimizer()
        original = opt.step
        lt.watch(opt, None, run=run)
        self.assertEqual(opt.step, original)  # not wrapped
        opt.step()
        opt.step()
        run.finish()
        self.assertEqual([p["lr"] for p in self.server.only_run().points.values()], [0.3, 0.3])


@needs_torch
class SpecAndCadence(ServerTestCase):
    def final(self, run):
        run.finish()
        r = self.server.only_run()
        schedule = [u["schedule"] for u in r.updates if "schedule" in u]
        cadence = [u["cadence"] for u in r.updates if "cadence" in u]
        return r, schedule[-1] if schedule else None, cadence[-1] if cadence else None

    def test_an_epoch_schedule_stepped_per_epoch(self):
        run = self.make_run(name="epoch")
        train(make_scheduler=lambda o: sched.MultiStepLR(o, milestones=[2, 3], gamma=0.1), watch_run=run, epochs=4, steps_per_epoch=5)
        r, spec, cad = self.final(run)
        self.assertEqual(spec, {"name": "MultiStepLR", "params": {"milestones": [2, 3], "gamma": 0.1}, "baseLr": 0.1, "interval": "epoch"})
        self.assertEqual(cad, {"optimizerSteps": 20, "schedulerSteps": 4, "medianGap": 5.0, "beforeOptimizerStep": False})
        self.assertEqual([u.get("stepsPerEpoch") for u in r.updates][0], 5)

    def test_an_ambiguous_schedule_stepped_per_step_is_meant_per_step(self):
        run = self.make_run(name="step")
        train(make_scheduler=lambda o: sched.StepLR(o, step_size=7), watch_run=run, per="step")
        _, spec, cad = self.final(run)
        self.assertEqual(spec["interval"], "step")
        self.assertEqual((cad["medianGap"], cad["schedulerSteps"]), (1.0, 20))

    def test_the_interval_argument_wins(self):
        run = self.make_run(name="explicit")
        train(make_scheduler=lambda o: sched.StepLR(o, step_size=7), watch_run=run, per="epoch", watch_kwargs={"interval": "step"})
        _, spec, cad = self.final(run)
        self.assertEqual((spec["interval"], cad["medianGap"]), ("step", 5.0))

    def test_step_based_schedules_stay_step_based_when_stepped_per_epoch(self):
        rates = [[0, 0.1], [6, 0.05], [12, 0.01]]
        run = self.make_run(name="coqui")
        train(make_scheduler=lambda o: StepwiseGradualLR(o, rates), watch_run=run, per="epoch", epochs=4, steps_per_epoch=5)
        _, spec, cad = self.final(run)
        self.assertEqual(spec, {"name": "StepwiseGradualLR", "params": {"gradual_learning_rates": rates}, "baseLr": 0.1, "interval": "step"})
        self.assertEqual(cad["medianGap"], 5.0)

    def test_scheduler_before_optimizer_is_reported(self):
        run = self.make_run(name="before")
        train(make_scheduler=lambda o: sched.StepLR(o, step_size=2), watch_run=run, per="step", order="before")
        _, _, cad = self.final(run)
        self.assertEqual((cad["beforeOptimizerStep"], cad["medianGap"]), (True, 1.0))

    def test_several_scheduler_steps_per_optimizer_step(self):
        run = self.make_run(name="x4")
        train(make_scheduler=lambda o: sched.ExponentialLR(o, gamma=0.99), watch_run=run, per="x4")
        _, spec, cad = self.final(run)
        self.assertEqual((cad["medianGap"], cad["schedulerSteps"], spec["interval"]), (0.25, 80, "step"))

    def test_reduce_lr_on_plateau_logs_each_value_it_is_stepped_with(self):
        run = self.make_run(name="plateau")
        model, opt = model_and_optimizer(0.1, 1)
        s = sched.ReduceLROnPlateau(opt, factor=0.5, patience=0)
        lt.watch(opt, s, steps_per_epoch=5, run=run)
        values = [1.0, 0.9, 0.95, 0.97]
        for epoch, v in enumerate(values):
            for _ in range(5):
                opt.zero_grad()
                model(torch.ones(2, 6)).sum().backward()
                opt.step()
            s.step(torch.tensor(v) if epoch % 2 else v)  # a tensor or a float, as users pass them
        r, _, cad = self.final(run)
        self.assertEqual(cad["metric"], "scheduler_metric")
        given = {step: p["metrics"]["scheduler_metric"] for step, p in r.points.items() if "scheduler_metric" in (p.get("metrics") or {})}
        self.assertEqual(sorted(given), [4, 9, 14, 19])
        self.assertEqual([round(given[k], 6) for k in sorted(given)], values)

    def restored_plateau_cadence(self, restore_before_watch):
        run = self.make_run(name="plateau-resumed")
        model, opt = model_and_optimizer(0.1, 1)
        old = sched.ReduceLROnPlateau(opt, patience=3)
        for v in (1.0, 2.0, 3.0):
            old.step(v)
        s = sched.ReduceLROnPlateau(opt, patience=3)
        if restore_before_watch:
            s.load_state_dict(old.state_dict())
        lt.watch(opt, s, steps_per_epoch=5, run=run)
        if not restore_before_watch:
            s.load_state_dict(old.state_dict())
        for v in (4.0, 5.0):
            opt.zero_grad()
            model(torch.ones(2, 6)).sum().backward()
            opt.step()
            s.step(v)
        return self.final(run)[2]

    def test_a_reduce_lr_on_plateau_restored_before_watch_is_not_offered_for_replay(self):
        self.assertNotIn("metric", self.restored_plateau_cadence(True))

    def test_a_reduce_lr_on_plateau_restored_after_watch_is_not_offered_for_replay(self):
        self.assertNotIn("metric", self.restored_plateau_cadence(False))

    def test_a_scheduler_never_stepped(self):
        run = self.make_run(name="never")
        train(make_scheduler=lambda o: sched.StepLR(o, step_size=2), watch_run=run, per="nothing")
        _, spec, cad = self.final(run)
        self.assertEqual(cad, {"optimizerSteps": 20, "schedulerSteps": 0})
        self.assertNotIn("interval", spec)

    def test_infers_steps_per_epoch_from_an_epoch_cadence_when_not_given(self):
        run = self.make_run(name="infer")
        model, opt = model_and_optimizer()
        s = sched.StepLR(opt, step_size=1)
        lt.watch(opt, s, run=run)
        for epoch in range(3):
            for _ in range(8):
                opt.step()
            s.step()
        r, spec, _ = self.final(run)
        self.assertEqual(spec["interval"], "epoch")
        self.assertIn(8, [u.get("stepsPerEpoch") for u in r.updates])

    def test_counts_schedulers_that_override_step(self):
        # These override step() without updating _step_count (and CAWR's step(epoch) takes fractions).
        makers = {
            "CosineAnnealingWarmRestarts": lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=10),
            "SequentialLR": lambda o: sched.SequentialLR(o, [sched.ConstantLR(o, 0.5, 2), sched.ExponentialLR(o, 0.9)], milestones=[2]),
            "ChainedScheduler": lambda o: sched.ChainedScheduler([sched.ConstantLR(o, 0.5, 2), sched.ExponentialLR(o, 0.9)]),
            "ReduceLROnPlateau": lambda o: sched.ReduceLROnPlateau(o),
        }
        for name, make in makers.items():
            with self.subTest(name):
                run = self.make_run(name=name)
                _, opt = model_and_optimizer()
                s = make(opt)
                lt.watch(opt, s, run=run)
                for i in range(12):
                    opt.step()
                    s.step(1.0) if name == "ReduceLROnPlateau" else s.step()
                run.finish()
                cad = [u["cadence"] for u in self.server.runs[run.id].updates if "cadence" in u][-1]
                self.assertEqual((cad["schedulerSteps"], cad["medianGap"]), (12, 1.0))

    def test_fractional_epochs_count_every_call(self):
        run = self.make_run(name="cawr-fraction")
        _, opt = model_and_optimizer()
        s = sched.CosineAnnealingWarmRestarts(opt, T_0=2)
        lt.watch(opt, s, run=run)
        for epoch in range(3):
            for i in range(4):
                opt.step()
                s.step(epoch + i / 4)  # the per-batch usage PyTorch documents for CAWR
        run.finish()
        cad = [u["cadence"] for u in self.server.only_run().updates if "cadence" in u][-1]
        self.assertEqual((cad["schedulerSteps"], cad["medianGap"]), (12, 1.0))

    def test_unwatched_schedulers_of_a_patched_class_are_untouched(self):
        run = self.make_run(name="patched")
        _, opt = model_and_optimizer()
        lt.watch(opt, sched.StepLR(opt, 2), run=run)
        _, other = model_and_optimizer()
        s = sched.StepLR(other, 2)  # same class, not watched
        for _ in range(5):
            other.step()
            s.step()
        run.finish()
        self.assertTrue(getattr(sched.StepLR.step, "_lrscope_step", False))
        self.assertEqual(s.state_dict()["_step_count"], 6)
        self.assertNotIn("step", s.__dict__)
        self.assertEqual([u["cadence"] for u in self.server.only_run().updates if "cadence" in u], [{"optimizerSteps": 0, "schedulerSteps": 0}])

    def test_cadence_updates_are_few(self):
        run = self.make_run(name="few")
        train(make_scheduler=lambda o: sched.StepLR(o, step_size=50), watch_run=run, per="step", epochs=100, steps_per_epoch=10)
        run.finish()
        self.assertLessEqual(len(self.server.only_run().updates), 14)  # ~log2 of 1000 steps, not 1000

    def test_a_schedule_given_to_init_is_not_replaced(self):
        mine = {"name": "StepLR", "params": {"step_size": 3}, "interval": "step", "baseLr": 0.1}
        run = self.make_run(name="mine", schedule=mine)
        train(make_scheduler=lambda o: sched.ExponentialLR(o, 0.9), watch_run=run)
        r, spec, _ = self.final(run)
        self.assertEqual(r.create["schedule"], mine)
        self.assertIsNone(spec)


if __name__ == "__main__":
    unittest.main()


class CadenceArithmetic(unittest.TestCase):
    def test_median_gap_of_the_common_patterns(self):
        def cadence(positions):
            c = lt.Cadence()
            for p in positions:
                c.calls(1, p)
            return c.as_dict()

        self.assertEqual(cadence(range(1, 11))["medianGap"], 1.0)  # after every optimizer step
        self.assertEqual(cadence(range(0, 10)), {"optimizerSteps": 0, "schedulerSteps": 10, "medianGap": 1.0, "beforeOptimizerStep": True})
        self.assertEqual(cadence([200, 400, 600])["medianGap"], 200.0)  # once per epoch of 200 steps
        self.assertEqual(cadence([p for p in range(1, 6) for _ in range(4)])["medianGap"], 0.25)  # 4 per optimizer step
        self.assertEqual(cadence([]), {"optimizerSteps": 0, "schedulerSteps": 0})
