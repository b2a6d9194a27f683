"""The trainer integrations against minimal fakes of their callback interfaces (transformers,
Lightning and Coqui are not installable here), driving real torch optimizers and schedulers."""
from __future__ import annotations

import functools
import types

from helpers import ServerTestCase
from torch_helpers import StepwiseGradualLR, model_and_optimizer, needs_torch, sched, torch

from lrscope.integrations.coqui import LrscopeCoquiCallback
from lrscope.integrations.huggingface import LrscopeCallback
from lrscope.integrations.lightning import LrscopeLightningCallback


def _get_linear_schedule_with_warmup_lr_lambda(current_step, *, num_warmup_steps, num_training_steps):  # transformers/optimization.py
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    return max(0.0, float(num_training_steps - current_step) / float(max(1, num_training_steps - num_warmup_steps)))


_get_linear_schedule_with_warmup_lr_lambda.__module__ = "transformers.optimization"


def batches(n, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(8, 6, generator=g), torch.randn(8, 1, generator=g)) for _ in range(n)]


def loss_of(model, batch):
    x, y = batch
    return torch.nn.functional.mse_loss(model(x), y)


@needs_torch
class HuggingFace(ServerTestCase):
    def fake_trainer(self, callback, epochs=2, per_epoch=20, logging_steps=5, warmup_ratio=0.1):
        """What transformers.Trainer does around its callbacks, reduced to the calls lrscope uses."""
        args = types.SimpleNamespace(lr_scheduler_type=types.SimpleNamespace(value="linear"), learning_rate=0.1, warmup_steps=0, warmup_ratio=warmup_ratio,
                                     max_steps=-1, lr_scheduler_kwargs={}, gradient_accumulation_steps=1, run_name="hf-run", num_train_epochs=epochs,
                                     per_device_train_batch_size=8, seed=42, optim="adamw_torch", weight_decay=0.0)
        state = types.SimpleNamespace(global_step=0, max_steps=epochs * per_epoch, num_train_epochs=epochs, epoch=0.0, is_world_process_zero=True)
        control = object()
        model, opt = model_and_optimizer(0.1)
        total = epochs * per_epoch
        lam = functools.partial(_get_linear_schedule_with_warmup_lr_lambda, num_warmup_steps=int(warmup_ratio * total + 0.999), num_training_steps=total)
        lr_scheduler = sched.LambdaLR(opt, lam)
        loader = batches(per_epoch)
        callback.on_train_begin(args, state, control, model=model, optimizer=opt, lr_scheduler=lr_scheduler, train_dataloader=loader)
        used = []
        for epoch in range(epochs):
            for batch in loader:
                loss = loss_of(model, batch)
                loss.backward()
                used.append(opt.param_groups[0]["lr"])
                opt.step()
                lr_scheduler.step()
                opt.zero_grad()
                state.global_step += 1
                state.epoch = state.global_step / per_epoch
                if state.global_step % logging_steps == 0:
                    callback.on_log(args, state, control, logs={"loss": float(loss), "grad_norm": 1.5, "learning_rate": lr_scheduler.get_last_lr()[0], "epoch": state.epoch})
        callback.on_train_end(args, state, control)
        return used

    def test_maps_training_arguments_to_a_hugging_face_spec_and_logs_every_step(self):
        used = self.fake_trainer(LrscopeCallback(**self.run_options()))
        r = self.server.only_run()
        self.assertEqual(r.create["name"], "hf-run")
        self.assertEqual(r.create["config"]["lr_scheduler_type"], "linear")
        spec = [u["schedule"] for u in r.updates if "schedule" in u][0]
        self.assertEqual(spec, {"name": "linear", "params": {"num_warmup_steps": 4, "num_training_steps": 40}, "interval": "step", "baseLr": 0.1})
        self.assertEqual(r.updates[0]["stepsPerEpoch"], 20)
        self.assertEqual([r.points[s]["lr"] for s in range(40)], used)
        self.assertEqual(r.points[4]["metrics"], {"grad_norm": 1.5})  # logged at global_step 5 = the step numbered 4
        self.assertIn("loss", r.points[4])
        self.assertEqual(r.status, "finished")

    def run_options(self):
        from helpers import FAST, KEY

        return dict(FAST, url=self.server.url, api_key=KEY, spool_dir=self.spool)


@needs_torch
class Lightning(ServerTestCase):
    def test_uses_the_scheduler_configs_interval_and_joins_each_batch_loss(self):
        from helpers import FAST, KEY

        cb = LrscopeLightningCallback(name="pl-run", **dict(FAST, url=self.server.url, api_key=KEY, spool_dir=self.spool))
        model, opt = model_and_optimizer(0.1)
        scheduler = sched.StepLR(opt, step_size=1, gamma=0.5)
        trainer = types.SimpleNamespace(optimizers=[opt], lr_scheduler_configs=[types.SimpleNamespace(scheduler=scheduler, interval="epoch", frequency=1)],
                                        num_training_batches=10, accumulate_grad_batches=1, global_step=0, is_global_zero=True, max_epochs=3)
        cb.on_train_start(trainer, model)
        for epoch in range(3):
            for i, batch in enumerate(batches(10)):
                loss = loss_of(model, batch)
                loss.backward()
                opt.step()
                opt.zero_grad()
                trainer.global_step += 1
                cb.on_train_batch_end(trainer, model, {"loss": loss.detach()}, batch, i)
            scheduler.step()
        cb.on_train_end(trainer, model)
        r = self.server.only_run()
        spec = [u["schedule"] for u in r.updates if "schedule" in u][-1]
        self.assertEqual(spec, {"name": "StepLR", "params": {"step_size": 1, "gamma": 0.5}, "interval": "epoch", "baseLr": 0.1})
        self.assertEqual([u["cadence"] for u in r.updates if "cadence" in u][-1]["medianGap"], 10.0)
        self.assertEqual(r.create["config"], {"lightning": {"interval": "epoch", "frequency": 1, "max_epochs": 3}})
        self.assertEqual(len(r.points), 30)
        self.assertTrue(all("loss" in p for p in r.points.values()))
        self.assertEqual([r.points[s]["lr"] for s in (0, 10, 20)], [0.1, 0.05, 0.025])
        self.assertEqual(r.status, "finished")


@needs_torch
class Coqui(ServerTestCase):
    def fake_trainer(self, callbacks, config, epochs=4, per_epoch=5):
        """What Coqui's Trainer does around its callbacks (callbacks_on_* lists called with the trainer)."""
        model, opt = model_and_optimizer(config["lr"])
        scheduler = StepwiseGradualLR(opt, **config["lr_scheduler_params"])
        trainer = types.SimpleNamespace(config=config, optimizer=opt, scheduler=scheduler, train_loader=None, total_steps_done=0, epochs_done=0,
                                        keep_avg_train=types.SimpleNamespace(avg_values={}), args=types.SimpleNamespace(rank=0), model=model)
        callbacks["on_init_end"](trainer)
        trainer.train_loader = batches(per_epoch)  # built when training starts
        after_epoch = config.get("scheduler_after_epoch", True)
        for epoch in range(epochs):
            for batch in trainer.train_loader:
                loss = loss_of(model, batch)
                loss.backward()
                opt.step()
                opt.zero_grad()
                if not after_epoch:
                    scheduler.step()
                trainer.keep_avg_train.avg_values["avg_loss"] = float(loss)
                trainer.total_steps_done += 1
                callbacks["on_train_step_end"](trainer)
            if after_epoch:
                scheduler.step()
            trainer.epochs_done += 1

    def config(self, **extra):
        c = {"lr": 1e-3, "lr_scheduler": "StepwiseGradualLR", "lr_scheduler_params": {"gradual_learning_rates": [[0, 1e-3], [6, 5e-4], [12, 2.5e-4]]},
             "epochs": 4, "batch_size": 8, "run_name": "xtts"}
        c.update(extra)
        return c

    def make_callback(self):
        from helpers import FAST, KEY

        return LrscopeCoquiCallback(**dict(FAST, url=self.server.url, api_key=KEY, spool_dir=self.spool))

    def test_the_coqui_default_steps_a_step_schedule_per_epoch_and_the_evidence_is_sent(self):
        cb = self.make_callback()
        self.fake_trainer(cb.callbacks(), self.config())
        cb.run.finish()
        r = self.server.only_run()
        spec = [u["schedule"] for u in r.updates if "schedule" in u][-1]
        self.assertEqual(spec["name"], "StepwiseGradualLR")
        self.assertEqual(spec["interval"], "step")  # what StepwiseGradualLR means ...
        self.assertEqual([u["cadence"] for u in r.updates if "cadence" in u][-1]["medianGap"], 5.0)  # ... and what the trainer did
        self.assertEqual(r.create["config"]["scheduler_after_epoch"], None)  # not set: Coqui's default (True) applies
        self.assertEqual(5, [u["stepsPerEpoch"] for u in r.updates if "stepsPerEpoch" in u][-1])
        self.assertEqual({p["lr"] for p in r.points.values()}, {1e-3})  # stuck: the epoch counter never reaches 6
        self.assertEqual([r.points[s]["epoch"] for s in (0, 5, 19)], [0, 1, 3])
        self.assertIn("avg_loss", r.points[3]["metrics"])

    def test_scheduler_after_epoch_false_steps_it_per_step(self):
        cb = self.make_callback()
        self.fake_trainer(cb.callbacks(), self.config(scheduler_after_epoch=False))
        cb.run.finish()
        r = self.server.only_run()
        self.assertEqual([u["cadence"] for u in r.updates if "cadence" in u][-1]["medianGap"], 1.0)
        self.assertEqual([r.points[s]["lr"] for s in (0, 6, 12)], [1e-3, 5e-4, 2.5e-4])

    def test_an_epoch_schedule_under_the_default_is_meant_per_epoch(self):
        cb = self.make_callback()
        model, opt = model_and_optimizer(1e-3)
        trainer = types.SimpleNamespace(config={"lr": 1e-3, "lr_scheduler": "ExponentialLR", "lr_scheduler_params": {"gamma": 0.9, "last_epoch": -1}},
                                        optimizer=[opt], scheduler=[sched.ExponentialLR(opt, 0.9)], train_loader=None, total_steps_done=0, epochs_done=0)
        cb.on_init_end(trainer)
        cb.run.finish()
        spec = [u["schedule"] for u in self.server.only_run().updates if "schedule" in u][-1]
        self.assertEqual(spec, {"name": "ExponentialLR", "params": {"gamma": 0.9}, "interval": "epoch", "baseLr": 1e-3})
