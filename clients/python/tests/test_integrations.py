"""The trainer integrations inside fakes of Lightning 2.2.5, transformers 4.28.1 and Coqui Trainer
v0.0.36 (tests/fake_trainers.py: their call order, real torch optimizers and schedulers)."""
from __future__ import annotations

from helpers import FAST, KEY, ServerTestCase
from torch_helpers import StepwiseGradualLR, needs_torch, sched, torch

from lrscope.integrations.coqui import LrscopeCoquiCallback
from lrscope.integrations.huggingface import LrscopeCallback
from lrscope.integrations.lightning import LrscopeLightningCallback

if torch is not None:
    from fake_trainers import FakeCoquiTrainer, FakeHFTrainer, FakeLightningTrainer, GanModel, small_model


def last(updates, key):
    return [u[key] for u in updates if key in u][-1]


class IntegrationCase(ServerTestCase):
    def options(self, **kw):
        return dict(FAST, url=self.server.url, api_key=KEY, spool_dir=self.spool, **kw)


@needs_torch
class HuggingFace(IntegrationCase):
    def test_the_trainers_own_scheduler_is_read_from_the_object_and_losses_come_at_logging_steps(self):
        t = FakeHFTrainer(LrscopeCallback(**self.options()))
        used = t.train()
        r = self.server.only_run()
        self.assertEqual(r.create["name"], "hf-run")
        self.assertEqual(last(r.updates, "schedule"), {"name": "linear", "params": {"num_warmup_steps": 4, "num_training_steps": 40}, "interval": "step", "baseLr": 0.1})
        self.assertEqual(last(r.updates, "stepsPerEpoch"), 20)
        self.assertEqual([r.points[s]["lr"] for s in range(40)], used)
        self.assertEqual(sorted(s for s, p in r.points.items() if "loss" in p), [4, 9, 14, 19, 24, 29, 34, 39])  # logging_steps=5
        self.assertEqual(r.status, "finished")

    def test_your_own_scheduler_is_described_not_the_training_arguments(self):
        model = small_model()
        opt = torch.optim.SGD(model.parameters(), lr=0.05)
        t = FakeHFTrainer(LrscopeCallback(**self.options()), optimizers=(opt, sched.StepLR(opt, step_size=10, gamma=0.5)), model=model)
        used = t.train()
        r = self.server.only_run()
        self.assertEqual(last(r.updates, "schedule"), {"name": "StepLR", "params": {"step_size": 10, "gamma": 0.5}, "interval": "step", "baseLr": 0.05})
        self.assertEqual([r.points[s]["lr"] for s in (0, 10, 20)], [used[0], used[10], used[20]])
        self.assertEqual(used[:11:10], [0.05, 0.025])

    def test_without_a_scheduler_object_the_training_arguments_describe_it(self):
        cb = LrscopeCallback(**self.options())
        t = FakeHFTrainer(cb)
        cb.on_train_begin(t.args, t.state, t.control, model=t.model, optimizer=None, lr_scheduler=None, train_dataloader=t.loader)
        cb.run.finish()
        self.assertEqual(last(self.server.only_run().updates, "schedule")["params"], {"num_warmup_steps": 4, "num_training_steps": 40})


@needs_torch
class Lightning(IntegrationCase):
    def fit(self, configs, epochs=3, per_epoch=10, log_every_n_steps=5, **kw):
        cb = LrscopeLightningCallback(name="pl-run", **self.options())
        model = small_model()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        t = FakeLightningTrainer([cb], model, opt, [dict(c, scheduler=c["scheduler"](opt)) for c in configs], max_epochs=epochs,
                                 batches_per_epoch=per_epoch, log_every_n_steps=log_every_n_steps, **kw)
        t.fit()
        return t, self.server.only_run()

    def test_the_configs_interval_the_planned_length_and_the_loss_at_log_every_n_steps(self):
        t, r = self.fit([{"scheduler": lambda o: sched.StepLR(o, step_size=1, gamma=0.5), "interval": "epoch"}], max_steps=30)
        self.assertEqual(last(r.updates, "schedule"), {"name": "StepLR", "params": {"step_size": 1, "gamma": 0.5}, "interval": "epoch", "baseLr": 0.1})
        self.assertEqual(last(r.updates, "cadence")["medianGap"], 10.0)
        self.assertEqual(r.create["config"], {"lightning": {"interval": "epoch", "frequency": 1, "max_epochs": 3, "max_steps": 30}})
        self.assertEqual(len(r.points), 30)
        self.assertEqual([r.points[s]["lr"] for s in (0, 10, 20)], [0.1, 0.05, 0.025])
        self.assertEqual(sorted(s for s, p in r.points.items() if "loss" in p), [4, 9, 14, 19, 24, 29])
        self.assertEqual([r.points[s]["schedulerStep"] for s in (0, 9, 10, 29)], [0, 0, 1, 2])
        # Lightning calls no hook of this callback on other batches: the per-step cost is watch's alone.
        self.assertEqual(t.hook_calls, ["on_train_start"] + ["on_train_batch_end"] * 6 + ["on_train_end"])
        self.assertEqual(r.status, "finished")

    def test_the_callback_reads_no_tensor_on_the_training_thread(self):
        import threading

        from torch.overrides import TorchFunctionMode

        reads = []

        class Reads(TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                if getattr(func, "__name__", "") in ("item", "tolist", "cpu", "numpy", "__float__", "_local_scalar_dense"):
                    reads.append(threading.current_thread() is threading.main_thread())
                return func(*args, **(kwargs or {}))

        with Reads():
            _, r = self.fit([{"scheduler": lambda o: sched.StepLR(o, step_size=1, gamma=0.5)}], log_every_n_steps=2)
        self.assertNotIn(True, reads)
        self.assertEqual(len([p for p in r.points.values() if "loss" in p]), 15)

    def test_frequency_goes_into_the_spec(self):
        _, r = self.fit([{"scheduler": lambda o: sched.StepLR(o, step_size=1, gamma=0.5), "interval": "epoch", "frequency": 2}], epochs=4)
        self.assertEqual(last(r.updates, "schedule"), {"name": "StepLR", "params": {"step_size": 1, "gamma": 0.5}, "interval": "epoch", "baseLr": 0.1, "frequency": 2})
        self.assertEqual(last(r.updates, "cadence")["medianGap"], 20.0)
        self.assertEqual([r.points[s]["lr"] for s in (19, 20, 39)], [0.1, 0.05, 0.05])

    def test_a_step_interval_scheduler(self):
        _, r = self.fit([{"scheduler": lambda o: sched.ExponentialLR(o, gamma=0.9), "interval": "step"}], epochs=1)
        self.assertEqual(last(r.updates, "schedule")["interval"], "step")
        self.assertEqual(last(r.updates, "cadence")["medianGap"], 1.0)
        self.assertAlmostEqual(r.points[5]["lr"], 0.1 * 0.9**5, places=15)


@needs_torch
class Coqui(IntegrationCase):
    def config(self, **extra):
        c = {"lr": 1e-3, "lr_scheduler": "StepwiseGradualLR", "lr_scheduler_params": {"gradual_learning_rates": [[0, 1e-3], [6, 5e-4], [12, 2.5e-4]]},
             "epochs": 4, "batch_size": 8, "run_name": "xtts", "plot_step": 4}
        c.update(extra)
        return c

    def trainer(self, config, restore_step=0):
        cb = LrscopeCoquiCallback(**self.options())
        t = FakeCoquiTrainer(config, small_model(), cb.callbacks(), lambda m: torch.optim.SGD(m.parameters(), lr=config["lr"]),
                             lambda o: StepwiseGradualLR(o, **config["lr_scheduler_params"]), restore_step=restore_step)
        t.fit()
        cb.run.finish()
        return t, self.server.only_run()

    def test_the_coqui_default_steps_a_step_schedule_per_epoch_and_the_evidence_is_sent(self):
        _, r = self.trainer(self.config())
        spec = last(r.updates, "schedule")
        self.assertEqual((spec["name"], spec["interval"]), ("StepwiseGradualLR", "step"))  # what StepwiseGradualLR means ...
        self.assertEqual(last(r.updates, "cadence")["medianGap"], 5.0)  # ... and what the trainer did
        self.assertIs(r.create["config"]["scheduler_after_epoch"], True)  # TrainerConfig's default
        self.assertEqual(last(r.updates, "stepsPerEpoch"), 5)
        self.assertEqual({p["lr"] for p in r.points.values()}, {1e-3})  # stuck: the epoch counter never reaches 6
        self.assertEqual([r.points[s]["epoch"] for s in (0, 5, 19)], [0, 1, 3])

    def test_the_steps_losses_are_logged_at_plot_step(self):
        t, r = self.trainer(self.config())
        self.assertEqual(sorted(s for s, p in r.points.items() if "loss" in p), [0, 4, 8, 12, 16])
        self.assertEqual(t.dashboard_logger.steps, [0, 4, 8, 12, 16])  # the trainer's own logger still gets them
        p = r.points[0]
        self.assertIsInstance(p["loss"], float)
        self.assertEqual(p["metrics"]["avg_loss"], p["loss"])  # the running mean of one step
        self.assertNotIn("current_lr", p["metrics"])  # the LR is watch's
        self.assertNotEqual(r.points[4]["metrics"]["avg_loss"], r.points[4]["loss"])

    def test_scheduler_after_epoch_false_steps_it_per_step(self):
        _, r = self.trainer(self.config(scheduler_after_epoch=False))
        self.assertEqual(last(r.updates, "cadence")["medianGap"], 1.0)
        self.assertEqual([r.points[s]["lr"] for s in (0, 6, 12)], [1e-3, 5e-4, 2.5e-4])
        self.assertEqual([r.points[s]["schedulerStep"] for s in (0, 6, 12)], [0, 6, 12])

    def test_a_restored_run_numbers_steps_from_the_restored_step(self):
        _, r = self.trainer(self.config(epochs=1), restore_step=1000)
        self.assertEqual(sorted(r.points), [1000, 1001, 1002, 1003, 1004])

    def test_an_epoch_schedule_under_the_default_is_meant_per_epoch(self):
        cb = LrscopeCoquiCallback(**self.options())
        FakeCoquiTrainer({"lr": 1e-3, "lr_scheduler": "ExponentialLR", "lr_scheduler_params": {"gamma": 0.9, "last_epoch": -1}, "epochs": 1},
                         small_model(), cb.callbacks(), lambda m: torch.optim.SGD(m.parameters(), lr=1e-3), lambda o: sched.ExponentialLR(o, 0.9))
        cb.run.finish()
        self.assertEqual(last(self.server.only_run().updates, "schedule"), {"name": "ExponentialLR", "params": {"gamma": 0.9}, "interval": "epoch", "baseLr": 1e-3})

    def test_a_gan_has_each_optimizer_checked_against_its_own_scheduler(self):
        cb = LrscopeCoquiCallback(**self.options())
        model = GanModel()
        config = {"lr_gen": 2e-4, "lr_disc": 1e-4, "epochs": 3, "plot_step": 5, "run_name": "hifigan"}
        t = FakeCoquiTrainer(config, model, cb.callbacks(), lambda m: m.optimizers(1e-4, 2e-4),
                             lambda opts: [StepwiseGradualLR(opts[0], [[0, 1e-4], [6, 5e-5]]), sched.ExponentialLR(opts[1], 0.5)])
        t.fit()
        cb.run.finish()
        r = self.server.only_run()
        both = {}
        for u in r.updates:
            both.update(u)
        self.assertEqual(both["optimizers"]["disc"]["schedule"], {"name": "StepwiseGradualLR", "params": {"gradual_learning_rates": [[0, 1e-4], [6, 5e-5]]}, "interval": "step", "baseLr": 1e-4})
        self.assertEqual(both["optimizers"]["gen"]["schedule"], {"name": "ExponentialLR", "params": {"gamma": 0.5}, "interval": "epoch", "baseLr": 2e-4})
        self.assertEqual(both["schedule"], both["optimizers"]["disc"]["schedule"])  # the first optimizer is the run's
        self.assertEqual(both["optimizers"]["disc"]["cadence"]["medianGap"], 5.0)
        p = r.points[10]
        self.assertEqual(p["optimizers"], {"disc": {"lr": 1e-4, "schedulerStep": 2}, "gen": {"lr": 2e-4 * 0.25, "schedulerStep": 2}})
        self.assertEqual((p["lr"], p["schedulerStep"]), (1e-4, 2))
        self.assertEqual(p["loss"], p["metrics"]["loss_0"])
        self.assertEqual(set(p["metrics"]), {"loss_disc", "loss_0", "loss_gen", "loss_1"})
