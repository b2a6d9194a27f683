"""Real torch (Debian's python3-torch), and Coqui's two schedulers as Coqui writes them.

Coqui is not installable here; these copies follow coqui-ai/TTS (`TTS/utils/training.py`,
the original) and idiap/coqui-ai-TTS (the maintained fork). lrscope recognises them by class name.
"""
from __future__ import annotations

import unittest

try:
    import torch
    from torch.optim import lr_scheduler as sched

    HAVE_TORCH = True
except ImportError:  # pragma: no cover - CI installs python3-torch
    torch = None  # type: ignore[assignment]
    sched = None  # type: ignore[assignment]
    HAVE_TORCH = False

needs_torch = unittest.skipUnless(HAVE_TORCH, "needs torch (Debian: apt install python3-torch)")

if HAVE_TORCH:

    class NoamLR(sched._LRScheduler):  # coqui-ai/TTS
        def __init__(self, optimizer, warmup_steps=0.1, last_epoch=-1):
            self.warmup_steps = float(warmup_steps)
            super().__init__(optimizer, last_epoch)

        def get_lr(self):
            step = max(self.last_epoch, 1)
            return [base_lr * self.warmup_steps**0.5 * min(step * self.warmup_steps**-1.5, step**-0.5) for base_lr in self.base_lrs]

    class StepwiseGradualLR(sched._LRScheduler):  # coqui-ai/TTS: the rate of the last threshold <= max(n, 1)
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

    class ForkStepwiseGradualLR(sched._LRScheduler):  # idiap/coqui-ai-TTS keeps two columns
        def __init__(self, optimizer, gradual_learning_rates, last_epoch=-1):
            self.step_thresholds, self.learning_rates = zip(*gradual_learning_rates)
            super().__init__(optimizer, last_epoch)

        def get_lr(self):
            if self.last_epoch not in self.step_thresholds:
                return [group["lr"] for group in self.optimizer.param_groups]
            lr = self.learning_rates[self.step_thresholds.index(self.last_epoch)]
            return [lr for _ in self.optimizer.param_groups]

    ForkStepwiseGradualLR.__name__ = "StepwiseGradualLR"  # the fork's class has the same name

    def model_and_optimizer(lr: float = 0.1, groups: int = 1, seed: int = 0, kind: str = "sgd"):
        torch.manual_seed(seed)
        model = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
        if groups == 1:
            params = model.parameters()
        else:
            params = [{"params": model[0].parameters(), "lr": lr}, {"params": model[2].parameters(), "lr": lr / 10}]
        if kind == "adam":
            return model, torch.optim.Adam(params, lr=lr)
        return model, torch.optim.SGD(params, lr=lr, momentum=0.9)

else:  # the torch tests skip; the names exist so their modules import
    NoamLR = StepwiseGradualLR = ForkStepwiseGradualLR = model_and_optimizer = None  # type: ignore[assignment,misc]
