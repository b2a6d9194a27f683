"""Small real PyTorch training loops for the end-to-end tests (test/python/*.test.ts), recorded
with the Python client through lrscope.torch.watch. Prints one JSON line per run:
{"case": ..., "runId": ..., "steps": ..., "delivered": ...}; progress lines start with "#".

    /usr/bin/python3 test/python/train.py CASE   (PYTHONPATH=clients/python, LRSCOPE_URL, LRSCOPE_API_KEY)
"""
from __future__ import annotations

import json
import sys
import time
import warnings

import torch
from torch.optim import lr_scheduler as sched

import lrscope
import lrscope.torch

warnings.simplefilter("ignore")  # SequentialLR's own step(0) warns about the epoch argument


class StepwiseGradualLR(sched._LRScheduler):
    """Coqui's, as in coqui-ai/TTS (TTS/utils/training.py): the rate of the last threshold <= max(n, 1)."""

    def __init__(self, optimizer, gradual_learning_rates, last_epoch=-1):
        self.gradual_learning_rates = gradual_learning_rates
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        step = max(self.last_epoch, 1)
        thresholds = [v[0] for v in self.gradual_learning_rates]
        rates = [v[1] for v in self.gradual_learning_rates]
        idx = max([i for i, t in enumerate(thresholds) if t <= step] or [0])
        lr = rates[-1] if step > thresholds[-1] else rates[idx]
        return [lr for _ in self.optimizer.param_groups]


class NoamLR(sched._LRScheduler):
    """Coqui's NoamLR (coqui-ai/TTS)."""

    def __init__(self, optimizer, warmup_steps=0.1, last_epoch=-1):
        self.warmup_steps = float(warmup_steps)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        step = max(self.last_epoch, 1)
        return [base_lr * self.warmup_steps**0.5 * min(step * self.warmup_steps**-1.5, step**-0.5) for base_lr in self.base_lrs]


def emit(**kw):
    print(json.dumps(kw), flush=True)


def train(name, lr, make_scheduler, epochs, steps_per_epoch, per, run_options=None, sleep=0.0, plateau=False, announce=False, skip=()):
    """Trains a small regression model; steps the scheduler per "epoch", per "step", or "never".
    `skip`: iterations whose optimizer.step() is left out, as GradScaler.step does when the scaled
    gradients hold inf/NaN (on CPU there is no scaler: the call is skipped), the scheduler still stepped."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    scheduler = make_scheduler(opt)
    run = lrscope.init(name=name, project="python-e2e", tags=["e2e"], **(run_options or {}))
    lrscope.torch.watch(opt, scheduler, steps_per_epoch=steps_per_epoch)
    if announce:
        emit(case=name, runId=run.wait_id(30), started=True)
    g = torch.Generator().manual_seed(1)
    steps = 0
    iteration = 0
    for epoch in range(epochs):
        for _ in range(steps_per_epoch):
            x = torch.randn(16, 6, generator=g)
            y = x.sum(dim=1, keepdim=True) * 0.1
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x), y)
            loss.backward()
            iteration += 1
            if iteration - 1 not in skip:
                opt.step()
                run.log(loss=loss)  # joins the point watch() logged for this optimizer step
                steps += 1
            if per == "step":
                scheduler.step(float(loss)) if plateau else scheduler.step()
            if sleep:
                time.sleep(sleep)
        if per == "epoch":
            scheduler.step(float(loss)) if plateau else scheduler.step()
    delivered = run.finish()
    emit(case=name, runId=run.id, steps=steps, delivered=delivered)


def plateau_run(name, warmup, epochs=12, steps_per_epoch=10):
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    plateau = sched.ReduceLROnPlateau(opt, factor=0.5, patience=1)
    warm = sched.LambdaLR(opt, lambda n: min(1.0, (n + 1) / 5)) if warmup else None
    run = lrscope.init(name=name, project="python-e2e", tags=["e2e"])
    lrscope.torch.watch(opt, plateau, steps_per_epoch=steps_per_epoch)
    g = torch.Generator().manual_seed(1)
    for epoch in range(epochs):
        for _ in range(steps_per_epoch):
            x = torch.randn(8, 4, generator=g)
            opt.zero_grad()
            loss = model(x).pow(2).mean()
            loss.backward()
            opt.step()
            if warm is not None:
                warm.step()
        val_loss = torch.tensor(max(0.5, 1.0 - 0.1 * epoch))  # stops improving after epoch 5
        plateau.step(val_loss)
    delivered = run.finish()
    emit(case=name, runId=run.id, steps=epochs * steps_per_epoch, delivered=delivered, lr=opt.param_groups[0]["lr"])


def integrations():
    """Each trainer integration inside the fake of its trainer (clients/python/tests/fake_trainers.py:
    Lightning 2.2.5, transformers 4.28.1, Coqui v0.0.36 call order), the set-ups checked in the real ones."""
    import os

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python", "tests"))
    from fake_trainers import FakeCoquiTrainer, FakeHFTrainer, FakeLightningTrainer, GanModel, small_model

    from lrscope.integrations.coqui import LrscopeCoquiCallback
    from lrscope.integrations.huggingface import LrscopeCallback
    from lrscope.integrations.lightning import LrscopeLightningCallback

    def lightning(name, make, epochs=6, **config):
        model = small_model()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        cb = LrscopeLightningCallback(name=name, project="python-e2e")
        FakeLightningTrainer([cb], model, opt, [dict(config, scheduler=make(opt))], max_epochs=epochs, batches_per_epoch=20, log_every_n_steps=10).fit()
        emit(case=name, runId=cb.run.id)

    # Lightning: frequency 2 (correct), milestones written in steps on the default epoch interval (the LR never changes).
    lightning("pl-frequency", lambda o: sched.StepLR(o, step_size=1, gamma=0.5), interval="epoch", frequency=2)
    lightning("pl-milestones-in-steps", lambda o: sched.MultiStepLR(o, milestones=[100, 150], gamma=0.1))

    # Hugging Face: your own StepLR passed in (correct: described as StepLR, not as TrainingArguments' linear).
    model = small_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    cb = LrscopeCallback(name="hf-own-steplr", project="python-e2e")
    FakeHFTrainer(cb, optimizers=(opt, sched.StepLR(opt, step_size=10, gamma=0.5)), model=model).train()
    emit(case="hf-own-steplr", runId=cb.run.id)

    # Coqui GAN: the discriminator's StepwiseGradualLR stepped per epoch (Coqui's default), the generator's ExponentialLR fine.
    cb = LrscopeCoquiCallback(name="coqui-gan", project="python-e2e")
    FakeCoquiTrainer({"lr_gen": 2e-4, "lr_disc": 1e-4, "epochs": 4, "plot_step": 10, "run_name": "coqui-gan"}, GanModel(), cb.callbacks(),
                     lambda m: m.optimizers(1e-4, 2e-4), lambda opts: [StepwiseGradualLR(opts[0], [[0, 1e-4], [30, 5e-5]]), sched.ExponentialLR(opts[1], 0.5)],
                     batches_per_epoch=20).fit()
    cb.run.finish()
    emit(case="coqui-gan", runId=cb.run.id)


def main(case):
    if case == "multistep":
        # An epoch schedule stepped once per epoch, as meant.
        train("multistep-per-epoch", 0.1, lambda o: sched.MultiStepLR(o, milestones=[3, 6], gamma=0.5), 10, 20, "epoch")
    elif case == "coqui":
        # The XTTS story: a schedule written in steps, stepped once per epoch (Coqui's scheduler_after_epoch default).
        rates = [[0, 1e-3], [50, 5e-4], [100, 2.5e-4]]
        train("coqui-stepwise-per-epoch", 1e-3, lambda o: StepwiseGradualLR(o, rates), 10, 20, "epoch")
    elif case == "outage":
        # ~3000 steps over several seconds, while the test kills and restarts the server.
        opts = dict(retries=2, backoff_base=0.1, backoff_max=1.0, flush_timeout=120.0, offline_timeout=120.0, batch_size=200, flush_interval=0.1)
        train("outage", 0.1, lambda o: sched.MultiStepLR(o, milestones=[10, 20], gamma=0.5), 30, 100, "epoch", run_options=opts, sleep=0.002, announce=True)
    elif case == "gradscaler":
        # Mixed precision: GradScaler skips optimizer.step() while the loss scale is too high (the first
        # iterations) and now and then after; the scheduler is stepped every iteration all the same.
        skipped = {0, 1, 2, 3, 57, 120, 121, 180}
        train("gradscaler-steplr", 0.1, lambda o: sched.StepLR(o, step_size=25, gamma=0.5), 10, 20, "step", skip=skipped)
        train("gradscaler-cosine", 0.1, lambda o: sched.CosineAnnealingLR(o, T_max=200, eta_min=1e-3), 10, 20, "step", skip=skipped)
    elif case == "integrations":
        integrations()
    elif case == "offline":
        # The server is down for the whole run: everything goes to the spool, for `python -m lrscope sync`.
        opts = dict(retries=1, backoff_base=0.05, flush_timeout=1.0)
        train("offline", 0.1, lambda o: sched.StepLR(o, step_size=2, gamma=0.5), 5, 200, "epoch", run_options=opts)
    elif case == "every-scheduler":
        # Each scheduler lrscope reads, stepped as it is meant to be: the server accepts every spec
        # and finds nothing wrong.
        cases = [
            ("StepLR", lambda o: sched.StepLR(o, step_size=3, gamma=0.5), "epoch"),
            ("MultiStepLR", lambda o: sched.MultiStepLR(o, milestones=[2, 2, 5], gamma=0.5), "epoch"),
            ("ConstantLR", lambda o: sched.ConstantLR(o, factor=0.5, total_iters=3), "epoch"),
            ("LinearLR", lambda o: sched.LinearLR(o, start_factor=0.2, end_factor=1.0, total_iters=30), "step"),
            ("ExponentialLR", lambda o: sched.ExponentialLR(o, gamma=0.9), "epoch"),
            ("PolynomialLR", lambda o: sched.PolynomialLR(o, total_iters=8, power=2.0), "epoch"),
            ("CosineAnnealingLR", lambda o: sched.CosineAnnealingLR(o, T_max=50, eta_min=1e-4), "step"),
            ("CosineAnnealingWarmRestarts", lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2), "step"),
            ("OneCycleLR", lambda o: sched.OneCycleLR(o, max_lr=0.05, total_steps=100), "step"),
            ("CyclicLR", lambda o: sched.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=10, mode="triangular2"), "step"),
            ("SequentialLR", lambda o: sched.SequentialLR(o, [sched.ConstantLR(o, factor=0.1, total_iters=2), sched.ExponentialLR(o, gamma=0.9)], milestones=[2]), "epoch"),
            ("ChainedScheduler", lambda o: sched.ChainedScheduler([sched.ConstantLR(o, factor=0.1, total_iters=2), sched.ExponentialLR(o, gamma=0.9)]), "epoch"),
            ("StepwiseGradualLR", lambda o: StepwiseGradualLR(o, [[0, 0.1], [30, 0.05], [60, 0.01]]), "step"),
            ("NoamLR", lambda o: NoamLR(o, warmup_steps=10), "step"),
            ("LambdaLR", lambda o: sched.LambdaLR(o, lambda n: 0.95**n), "epoch"),
            ("ReduceLROnPlateau", lambda o: sched.ReduceLROnPlateau(o, factor=0.5, patience=1), "epoch"),
        ]
        for name, make, per in cases:
            train(name, 0.1, make, 10, 10, per, plateau=name == "ReduceLROnPlateau")
    elif case == "plateau-replayed":
        # ReduceLROnPlateau stepped once per epoch with a validation metric that stops improving:
        # alone (each reduction takes effect), and fought by a warm-up LambdaLR stepped every batch
        # on the same optimizer (which puts the LR back after every reduction).
        plateau_run("plateau-alone", warmup=False)
        plateau_run("plateau-fought-by-warmup", warmup=True)
    elif case == "plateau-misuse":
        # ReduceLROnPlateau stepped with the training loss after every batch, and never stepped at all.
        plateau = lambda o: sched.ReduceLROnPlateau(o, factor=0.5, patience=3)
        train("plateau-per-batch", 0.1, plateau, 10, 20, "step", plateau=True)
        train("plateau-never-stepped", 0.1, plateau, 10, 20, "never", plateau=True)
    else:
        sys.exit("unknown case %r" % case)


if __name__ == "__main__":
    main(sys.argv[1])
