"""The spec read from real torch schedulers. Each spec is proven by rebuilding the scheduler
from it (class from `name`, keyword arguments from `params`, optimizer LR from `baseLr`) and
checking that the rebuilt one produces the same LRs as the original for 60 steps."""
from __future__ import annotations

import functools
import math
import unittest
import warnings

import helpers  # noqa: F401  # puts the package on sys.path
from torch_helpers import HAVE_TORCH, ForkStepwiseGradualLR, NoamLR, StepwiseGradualLR, model_and_optimizer, needs_torch, sched

from lrscope.schedules import coqui_spec, design_interval, hf_spec, hf_spec_from_lambdas, spec_from_scheduler

COQUI = {"NoamLR": NoamLR, "StepwiseGradualLR": StepwiseGradualLR} if HAVE_TORCH else {}


def build(spec, optimizer):
    name, params = spec["name"], dict(spec["params"])
    if name in ("SequentialLR", "ChainedScheduler"):
        children = [build(c, optimizer) for c in params.pop("schedulers")]
        return getattr(sched, name)(children, **params) if name == "ChainedScheduler" else sched.SequentialLR(optimizer, children, **params)
    cls = COQUI.get(name) or getattr(sched, name)
    return cls(optimizer, **params)


def lrs(s, opt, n=60, metrics=None):
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SequentialLR's own step(0) warns about the epoch argument
        for i in range(n):
            out.append([g["lr"] for g in opt.param_groups])
            opt.step()
            s.step(metrics[i]) if metrics else s.step()
    return out


@needs_torch
class SpecFromTorch(unittest.TestCase):
    def assertRebuilds(self, make, expected_name, expected_params=None, lr=0.1, groups=1, metrics=None):
        _, opt = model_and_optimizer(lr, groups)
        original = make(opt)
        spec = spec_from_scheduler(original)
        self.assertIsNotNone(spec)
        self.assertEqual(spec["name"], expected_name)
        if expected_params is not None:
            self.assertEqual(spec["params"], expected_params)
        _, opt2 = model_and_optimizer(spec["baseLr"], groups)
        rebuilt = build(spec, opt2)
        a, b = lrs(original, opt, metrics=metrics), lrs(rebuilt, opt2, metrics=metrics)
        for i, (x, y) in enumerate(zip(a, b)):
            for u, v in zip(x, y):
                self.assertTrue(math.isclose(u, v, rel_tol=1e-9, abs_tol=1e-15), (i, x, y, spec))
        return spec

    def test_step_lr(self):
        self.assertRebuilds(lambda o: sched.StepLR(o, step_size=7, gamma=0.3), "StepLR", {"step_size": 7, "gamma": 0.3})

    def test_multistep_lr_keeps_repeated_milestones(self):
        spec = self.assertRebuilds(lambda o: sched.MultiStepLR(o, milestones=[4, 2, 2], gamma=0.5), "MultiStepLR", {"milestones": [2, 2, 4], "gamma": 0.5})
        self.assertEqual(spec["baseLr"], 0.1)

    def test_constant_linear_exponential_polynomial(self):
        self.assertRebuilds(lambda o: sched.ConstantLR(o, factor=0.25, total_iters=4), "ConstantLR", {"factor": 0.25, "total_iters": 4})
        self.assertRebuilds(lambda o: sched.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=10), "LinearLR",
                            {"start_factor": 0.1, "end_factor": 0.9, "total_iters": 10})
        self.assertRebuilds(lambda o: sched.ExponentialLR(o, gamma=0.95), "ExponentialLR", {"gamma": 0.95})
        self.assertRebuilds(lambda o: sched.PolynomialLR(o, total_iters=30, power=2.0), "PolynomialLR", {"total_iters": 30, "power": 2.0})

    def test_cosine_annealing_and_warm_restarts(self):
        self.assertRebuilds(lambda o: sched.CosineAnnealingLR(o, T_max=20, eta_min=0.001), "CosineAnnealingLR", {"T_max": 20, "eta_min": 0.001})
        self.assertRebuilds(lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=0.01), "CosineAnnealingWarmRestarts",
                            {"T_0": 5, "T_mult": 2, "eta_min": 0.01})

    def test_one_cycle_recovers_its_constructor_arguments(self):
        spec = self.assertRebuilds(lambda o: sched.OneCycleLR(o, max_lr=0.01, total_steps=61), "OneCycleLR")
        self.assertEqual(spec["params"], {"max_lr": 0.01, "total_steps": 61, "pct_start": 0.3, "anneal_strategy": "cos",
                                          "div_factor": 25.0, "final_div_factor": 10000.0, "three_phase": False})
        self.assertAlmostEqual(spec["baseLr"], 0.01 / 25)
        spec = self.assertRebuilds(lambda o: sched.OneCycleLR(o, max_lr=0.5, epochs=61, steps_per_epoch=1, pct_start=0.25, anneal_strategy="linear",
                                                              div_factor=10.0, final_div_factor=100.0, three_phase=True), "OneCycleLR")
        self.assertEqual((spec["params"]["pct_start"], spec["params"]["anneal_strategy"], spec["params"]["three_phase"]), (0.25, "linear", True))
        self.assertEqual(design_interval(spec), "step")

    def test_cyclic_lr(self):
        spec = self.assertRebuilds(lambda o: sched.CyclicLR(o, base_lr=0.1, max_lr=1.0, step_size_up=2, mode="triangular2"), "CyclicLR",
                                   {"base_lr": 0.1, "max_lr": 1.0, "step_size_up": 2, "step_size_down": 2, "mode": "triangular2", "gamma": 1.0})
        self.assertEqual(design_interval(spec), "step")
        self.assertRebuilds(lambda o: sched.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, step_size_down=5, mode="exp_range", gamma=0.99), "CyclicLR")

    def test_cyclic_lr_with_a_custom_scale_fn_is_not_described(self):
        _, opt = model_and_optimizer()
        self.assertIsNone(spec_from_scheduler(sched.CyclicLR(opt, 0.01, 0.1, scale_fn=lambda x: 0.5)))

    def test_sequential_lr_sends_its_children_and_milestones(self):
        def make(o):
            return sched.SequentialLR(o, [sched.ConstantLR(o, factor=0.1, total_iters=2), sched.ExponentialLR(o, gamma=0.9)], milestones=[2])

        spec = self.assertRebuilds(make, "SequentialLR")
        self.assertEqual(spec["params"], {"schedulers": [{"name": "ConstantLR", "params": {"factor": 0.1, "total_iters": 2}},
                                                         {"name": "ExponentialLR", "params": {"gamma": 0.9}}], "milestones": [2]})

    def test_chained_scheduler(self):
        spec = self.assertRebuilds(lambda o: sched.ChainedScheduler([sched.ConstantLR(o, factor=0.1, total_iters=2), sched.ExponentialLR(o, gamma=0.9)]),
                                   "ChainedScheduler")
        self.assertEqual([c["name"] for c in spec["params"]["schedulers"]], ["ConstantLR", "ExponentialLR"])

    def test_reduce_on_plateau(self):
        metrics = [1.0] * 60
        self.assertRebuilds(lambda o: sched.ReduceLROnPlateau(o, factor=0.5, patience=3, min_lr=0.001), "ReduceLROnPlateau",
                            {"mode": "min", "factor": 0.5, "patience": 3, "threshold": 0.0001, "threshold_mode": "rel", "cooldown": 0, "min_lr": 0.001, "eps": 1e-08},
                            metrics=metrics)

    def test_multiple_param_groups_report_group_zero(self):
        spec = self.assertRebuilds(lambda o: sched.StepLR(o, step_size=5), "StepLR", groups=2)
        self.assertEqual(spec["baseLr"], 0.1)

    def test_lambda_lr_is_sent_as_unverifiable(self):
        _, opt = model_and_optimizer()
        self.assertEqual(spec_from_scheduler(sched.LambdaLR(opt, lambda n: 0.9**n)), {"name": "LambdaLR", "params": {}, "baseLr": 0.1})
        _, opt = model_and_optimizer()
        self.assertEqual(spec_from_scheduler(sched.MultiplicativeLR(opt, lambda n: 0.9))["name"], "MultiplicativeLR")

    def test_coqui_schedulers_by_class_name(self):
        rates = [[0, 1e-3], [10, 5e-4], [20, 3e-4]]
        spec = self.assertRebuilds(lambda o: StepwiseGradualLR(o, rates), "StepwiseGradualLR", {"gradual_learning_rates": rates}, lr=1e-3)
        self.assertEqual(design_interval(spec), "step")
        _, opt = model_and_optimizer()
        self.assertEqual(spec_from_scheduler(ForkStepwiseGradualLR(opt, rates))["params"], {"gradual_learning_rates": rates, "variant": "idiap"})
        spec = self.assertRebuilds(lambda o: NoamLR(o, warmup_steps=10), "NoamLR", {"warmup_steps": 10})
        self.assertEqual(design_interval(spec), "step")

    def test_a_subclass_that_changes_the_formula_is_not_mistaken_for_its_parent(self):
        class Mine(sched.StepLR):
            def get_lr(self):
                return [0.5 for _ in self.base_lrs]

        class Renamed(sched.StepLR):
            pass

        _, opt = model_and_optimizer()
        self.assertIsNone(spec_from_scheduler(Mine(opt, step_size=3)))
        _, opt = model_and_optimizer()
        self.assertEqual(spec_from_scheduler(Renamed(opt, step_size=3))["name"], "StepLR")

    def test_unknown_objects_give_no_spec(self):
        self.assertIsNone(spec_from_scheduler(object()))
        self.assertIsNone(spec_from_scheduler(None))


def _hf_cosine(current_step, *, num_warmup_steps, num_training_steps, num_cycles, min_lr_rate=0.0):
    return 1.0


_hf_cosine.__name__ = "_get_cosine_schedule_with_warmup_lr_lambda"
_hf_cosine.__module__ = "transformers.optimization"


def get_linear_schedule_with_warmup(num_warmup_steps, num_training_steps):  # the pre-4.33 closure form
    def lr_lambda(current_step):
        return float(num_warmup_steps + num_training_steps)

    return lr_lambda


class HuggingFace(unittest.TestCase):
    def test_recognises_hugging_face_lambdas_in_both_forms(self):
        f = functools.partial(_hf_cosine, num_warmup_steps=10, num_training_steps=100, num_cycles=0.5)
        self.assertEqual(hf_spec_from_lambdas([f, f]), ("cosine", {"num_warmup_steps": 10, "num_training_steps": 100, "num_cycles": 0.5}))
        g = functools.partial(_hf_cosine, num_warmup_steps=10, num_training_steps=100, num_cycles=0.5, min_lr_rate=0.1)
        self.assertEqual(hf_spec_from_lambdas([g])[0], "cosine_with_min_lr")
        self.assertEqual(hf_spec_from_lambdas([get_linear_schedule_with_warmup(5, 50)]), ("linear", {"num_warmup_steps": 5, "num_training_steps": 50}))
        self.assertIsNone(hf_spec_from_lambdas([lambda n: 1.0]))
        self.assertIsNone(hf_spec_from_lambdas([f, g]))  # different schedules per group

    @needs_torch
    def test_a_lambda_lr_from_hugging_face_is_sent_under_its_hf_name(self):
        _, opt = model_and_optimizer()
        f = functools.partial(_hf_cosine, num_warmup_steps=10, num_training_steps=100, num_cycles=0.5)
        spec = spec_from_scheduler(sched.LambdaLR(opt, f))
        self.assertEqual(spec["name"], "cosine")
        self.assertEqual(design_interval(spec), "step")

    def test_trainer_arguments_map_to_a_spec(self):
        self.assertEqual(hf_spec("linear", 5e-5, 1000, warmup_steps=0, warmup_ratio=0.1),
                         {"name": "linear", "params": {"num_warmup_steps": 100, "num_training_steps": 1000}, "interval": "step", "baseLr": 5e-5})
        self.assertEqual(hf_spec("cosine_with_restarts", 1e-4, 1000, warmup_steps=50, lr_scheduler_kwargs={"num_cycles": 3})["params"],
                         {"num_warmup_steps": 50, "num_training_steps": 1000, "num_cycles": 3})
        self.assertEqual(hf_spec("constant", 1e-4, 1000)["params"], {})
        self.assertEqual(hf_spec("constant_with_warmup", 1e-4, 1000, warmup_steps=0.05)["params"], {"num_warmup_steps": 50})
        self.assertEqual(hf_spec("reduce_lr_on_plateau", 1e-4, 1000), {"name": "reduce_lr_on_plateau", "params": {}, "baseLr": 1e-4})
        self.assertIsNone(hf_spec("something_new", 1e-4, 1000))


class Coqui(unittest.TestCase):
    def test_scheduler_after_epoch_defaults_to_true(self):
        self.assertEqual(coqui_spec({"lr": 1e-3, "lr_scheduler": "ExponentialLR", "lr_scheduler_params": {"gamma": 0.999, "last_epoch": -1}}),
                         {"name": "ExponentialLR", "params": {"gamma": 0.999}, "interval": "epoch", "baseLr": 1e-3})
        self.assertEqual(coqui_spec({"lr": 1e-3, "lr_scheduler": "ExponentialLR", "lr_scheduler_params": {"gamma": 0.9}, "scheduler_after_epoch": False})["interval"], "step")

    def test_step_based_coqui_schedules_stay_step_based(self):
        spec = coqui_spec({"lr": 5e-4, "lr_scheduler": "StepwiseGradualLR", "lr_scheduler_params": {"gradual_learning_rates": [[0, 5e-4], [10000, 4e-4]]}})
        self.assertEqual(spec["interval"], "step")  # the trainer steps it per epoch: the failure to flag, not the intent

    def test_no_or_unknown_scheduler(self):
        self.assertIsNone(coqui_spec({"lr": 1e-3, "lr_scheduler": None}))
        self.assertIsNone(coqui_spec({"lr": 1e-3, "lr_scheduler": "MyOwnLR"}))


if __name__ == "__main__":
    unittest.main()
