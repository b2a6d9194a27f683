"""watch's scheduler counter (`schedulerStep`) and runs with several optimizers (`optimizers`),
on real torch: a loop that skips optimizer steps as GradScaler does, and a GAN's two optimizers."""
from __future__ import annotations

import logging

from helpers import ServerTestCase
from torch_helpers import model_and_optimizer, needs_torch, sched, torch

import lrscope.torch as lt


def gradscaler_loop(run, steps=30, skip=(3, 4, 11, 20)):
    """scheduler.step() every iteration, optimizer.step() skipped where GradScaler would find inf grads
    (on CPU the call is left out, which is what GradScaler.step does). Returns the LR read at each optimizer step."""
    model, opt = model_and_optimizer(0.1)
    s = sched.StepLR(opt, step_size=5, gamma=0.5)
    lt.watch(opt, s, run=run, interval="step")
    used = []
    for i in range(steps):
        loss = model(torch.ones(2, 6)).sum()
        loss.backward()
        if i not in skip:
            used.append((opt.param_groups[0]["lr"], s.last_epoch))
            opt.step()
        opt.zero_grad()
        s.step()
    return used


@needs_torch
class SchedulerStep(ServerTestCase):
    def test_each_point_carries_the_schedulers_counter_when_the_lr_was_read(self):
        run = self.make_run(name="skips")
        used = gradscaler_loop(run)
        run.finish()
        pts = self.server.only_run().points
        self.assertEqual(len(pts), 26)
        self.assertEqual([(pts[k]["lr"], pts[k]["schedulerStep"]) for k in sorted(pts)], used)
        self.assertEqual([pts[k]["schedulerStep"] for k in (2, 3, 9)], [2, 5, 12])  # the counter runs ahead of the optimizer step

    def test_a_server_without_the_newer_point_fields_still_gets_every_point(self):
        self.server.point_fields_off = ("schedulerStep", "optimizers")
        run = self.make_run(name="older", batch_size=10)
        with self.assertLogs("lrscope", logging.WARNING) as logs:
            gradscaler_loop(run)
            run.finish()
        pts = self.server.only_run().points
        self.assertEqual(len(pts), 26)
        self.assertFalse(any("schedulerStep" in p for p in pts.values()))
        self.assertEqual(len([m for m in logs.output if "does not take schedulerStep" in m]), 1)
        bodies = [c for c in self.server.calls("runs.log")]
        self.assertEqual(sum(1 for c in bodies if c["status"] == 400), 1)  # learnt once, not once per batch


@needs_torch
class SeveralOptimizers(ServerTestCase):
    def gan(self, run, steps=12):
        torch.manual_seed(0)
        gen, g_opt = model_and_optimizer(2e-4, seed=1, kind="adam")
        disc, d_opt = model_and_optimizer(1e-4, seed=2, kind="adam")
        g_s = sched.ExponentialLR(g_opt, gamma=0.9)
        d_s = sched.StepLR(d_opt, step_size=4, gamma=0.5)
        lt.watch(g_opt, g_s, run=run, name="gen", interval="step")
        lt.watch(d_opt, d_s, run=run, name="disc", interval="step")
        used = []
        for _ in range(steps):
            for m, o in ((gen, g_opt), (disc, d_opt)):
                m(torch.ones(2, 6)).sum().backward()
            used.append((g_opt.param_groups[0]["lr"], d_opt.param_groups[0]["lr"]))
            g_opt.step()
            d_opt.step()
            g_s.step()
            d_s.step()
        run.finish()
        return used

    def test_each_optimizer_has_its_lr_counter_and_schedule_and_the_first_is_the_runs(self):
        run = self.make_run(name="gan")
        used = self.gan(run)
        r = self.server.only_run()
        self.assertEqual(sorted(r.points), list(range(12)))
        for s, (g, d) in enumerate(used):
            p = r.points[s]
            self.assertEqual(p["optimizers"], {"gen": {"lr": g, "schedulerStep": s}, "disc": {"lr": d, "schedulerStep": s}}, s)
            self.assertEqual((p["lr"], p["schedulerStep"]), (g, s))  # the run's own series is the first optimizer's
        last = {}
        for u in r.updates:  # what the run has once every update is applied
            last.update(u)
        self.assertEqual(last["schedule"], {"name": "ExponentialLR", "params": {"gamma": 0.9}, "interval": "step", "baseLr": 2e-4})
        self.assertEqual(last["optimizers"]["gen"]["schedule"], last["schedule"])
        self.assertEqual(last["optimizers"]["disc"]["schedule"], {"name": "StepLR", "params": {"step_size": 4, "gamma": 0.5}, "interval": "step", "baseLr": 1e-4})
        self.assertEqual(last["optimizers"]["disc"]["cadence"]["medianGap"], 1.0)
        self.assertEqual(last["cadence"], last["optimizers"]["gen"]["cadence"])

    def test_a_server_without_optimizers_still_gets_the_runs_schedule_and_lr(self):
        self.server.point_fields_off = ("optimizers",)
        run = self.make_run(name="older-gan")
        used = self.gan(run)
        r = self.server.only_run()
        self.assertEqual([r.points[s]["lr"] for s in range(12)], [g for g, _ in used])
        self.assertFalse(any("optimizers" in p for p in r.points.values()))
        self.assertEqual([u["schedule"] for u in r.updates if "schedule" in u][-1]["name"], "ExponentialLR")  # the update kept its other fields

    def test_a_name_the_server_would_refuse_is_not_used(self):
        run = self.make_run(name="badname")
        _, opt = model_and_optimizer()
        with self.assertLogs("lrscope", logging.WARNING):
            w = lt.watch(opt, None, run=run, name="gen/disc")
        self.assertIsNone(w.name)
