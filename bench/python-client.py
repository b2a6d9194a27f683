"""Python client overhead and throughput: what `run.log` costs the training thread (µs per call,
mean and p99; budget in docs/architecture.md: ≤ 20 µs mean), what `lrscope.torch.watch` adds to an
optimizer step, and end-to-end points/s from one Python process to a server.

    PYTHONPATH=clients/python /usr/bin/python3 bench/python-client.py [--url URL --key KEY] [--calls 200000] [--points 300000]

Without --url/--key (or LRSCOPE_URL/LRSCOPE_API_KEY) it starts the stdlib fake server
(clients/python/tests/fake_server.py) in a separate process and says so; `npx tsx
bench/python-client.ts` runs this against the real server.

It also measures what each trainer integration adds to a step of its trainer, inside the fakes of
Lightning, transformers and Coqui (clients/python/tests/fake_trainers.py, their real call order):
budget ≤ 20 µs per step and no tensor value read on the training thread (`--integrations-only`).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))

import lrscope  # noqa: E402


def start_fake_server():
    code = (
        "import sys, time; sys.path.insert(0, %r)\n"
        "from fake_server import FakeServer\n"
        "s = FakeServer(); print(s.url, s.key, flush=True)\n"
        "while True: time.sleep(3600)\n"
    ) % os.path.join(ROOT, "clients", "python", "tests")
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    url, key = p.stdout.readline().split()
    return p, url, key


def percentile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def timer_overhead_ns(n=200_000):
    clock = time.perf_counter_ns
    samples = []
    for _ in range(n):
        t0 = clock()
        t1 = clock()
        samples.append(t1 - t0)
    return statistics.median(samples)


def per_call(run, calls, pace_s=0.0, start=0):
    """Times each run.log call on this (the training) thread; returns sorted µs per call."""
    clock = time.perf_counter_ns
    log = run.log
    samples = [0] * calls
    pause = time.sleep
    for i in range(calls):
        s = start + i
        t0 = clock()
        log(s, lr=0.001, loss=1.0 / (s + 1), epoch=s // 1000)
        samples[i] = clock() - t0
        if pace_s:
            pause(pace_s)  # a training step that releases the GIL (kernels, I/O), as real ones do
    return sorted(x / 1000 for x in samples)


def bulk(run, calls, start):
    """Mean µs per call over a tight loop without per-call timers."""
    log = run.log
    t0 = time.perf_counter()
    for s in range(start, start + calls):
        log(s, lr=0.001, loss=1.0 / (s + 1), epoch=s // 1000)
    return (time.perf_counter() - t0) / calls * 1e6


def watch_overhead(opts, steps=2000, trials=5):
    """µs per optimizer.step()+scheduler.step() on a tiny CPU model: plain, watched with a disabled
    run (watch's own work on the training thread) and watched with a live run (plus the share of
    the interpreter the background threads take while they process those points)."""
    try:
        import torch
    except ImportError:
        return None
    import lrscope.torch

    def make():
        torch.manual_seed(0)
        model = torch.nn.Linear(32, 32)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        for p in model.parameters():
            p.grad = torch.ones_like(p)
        return opt, torch.optim.lr_scheduler.StepLR(opt, 100)

    def timed(opt, sched):
        t0 = time.perf_counter()
        for _ in range(steps):
            opt.step()
            sched.step()
        return (time.perf_counter() - t0) / steps * 1e6

    results = {"plain": [], "watched, run disabled": [], "watched, live run": []}
    off = lrscope.init(name="bench-watch-off", disabled=True)
    live = lrscope.init(name="bench-watch", **opts)
    for i in range(trials):  # interleaved, so machine load hits all three alike
        results["plain"].append(timed(*make()))
        opt, sched = make()
        lrscope.torch.watch(opt, sched, run=off)
        results["watched, run disabled"].append(timed(opt, sched))
        opt, sched = make()
        lrscope.torch.watch(opt, sched, run=live, start_step=i * steps)
        results["watched, live run"].append(timed(opt, sched))
    live.finish()
    return {k: statistics.median(v) for k, v in results.items()}


_READS = ("item", "tolist", "cpu", "numpy", "__float__", "__int__", "_local_scalar_dense")


def _background_cpu():
    """CPU seconds the run's background threads have used (they start with the run)."""
    total = 0.0
    for t in threading.enumerate():
        if t.name.startswith("lrscope-") and t.ident:
            try:
                total += time.clock_gettime(time.pthread_getcpuclockid(t.ident))
            except (OSError, AttributeError):
                pass
    return total


def integration_overhead(opts, steps=500, trials=15):
    """Per-step cost of each integration inside a fake of its trainer (clients/python/tests/fake_trainers.py,
    the real trainers' call order): the training thread's CPU time per step without the integration,
    with it and a disabled run (its own work), with it and a live run; the background threads' CPU per
    step; and how many tensor values the integration read on the training thread (each one a device
    wait on a GPU). Interleaved trials; the minimum, as the figure least disturbed by other processes."""
    try:
        import torch
        from torch.overrides import TorchFunctionMode
    except ImportError:
        return None
    sys.path.insert(0, os.path.join(ROOT, "clients", "python", "tests"))
    from fake_trainers import FakeCoquiTrainer, FakeHFTrainer, FakeLightningTrainer, small_model

    from lrscope.integrations import huggingface as hf
    from lrscope.integrations.coqui import LrscopeCoquiCallback
    from lrscope.integrations.lightning import LrscopeLightningCallback

    per_epoch, epochs = 100, steps // 100

    def lightning(cb):
        model = small_model()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        FakeLightningTrainer([cb] if cb else [], model, opt, [{"scheduler": torch.optim.lr_scheduler.StepLR(opt, 1, 0.9)}], max_epochs=epochs,
                             batches_per_epoch=per_epoch, log_every_n_steps=50).fit()

    def huggingface(cb):
        FakeHFTrainer(cb or hf._Base(), epochs=epochs, per_epoch=per_epoch, logging_steps=50).train()

    def coqui(cb):
        config = {"lr": 0.01, "lr_scheduler": "ExponentialLR", "lr_scheduler_params": {"gamma": 0.9}, "epochs": epochs, "print_step": 25, "plot_step": 100}
        FakeCoquiTrainer(config, small_model(), cb.callbacks() if cb else {}, lambda m: torch.optim.SGD(m.parameters(), lr=0.01),
                         lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.9), batches_per_epoch=per_epoch).fit()

    frameworks = (("Lightning 2.2.5", lightning, LrscopeLightningCallback), ("transformers 4.28.1", huggingface, hf.LrscopeCallback),
                  ("Coqui Trainer 0.0.36", coqui, LrscopeCoquiCallback))

    class Reads(TorchFunctionMode):
        def __init__(self):
            super().__init__()
            self.n = 0

        def __torch_function__(self, func, types, args=(), kwargs=None):
            if getattr(func, "__name__", "") in _READS and threading.current_thread() is threading.main_thread():
                self.n += 1
            return func(*args, **(kwargs or {}))

    out = {}
    for label, train, callback in frameworks:
        times = {"plain": [], "disabled": [], "live": []}
        background = []
        for _ in range(trials):
            for mode in times:
                cb = None
                if mode == "disabled":
                    cb = callback(run=lrscope.init(name="bench-off", disabled=True))
                elif mode == "live":  # a run it does not own, created before: it stays open for its threads to be measured
                    run = lrscope.init(name="bench-" + label.split()[0].lower(), **opts)
                    run.wait_id(30)
                    cb = callback(run=run)
                    bg0 = _background_cpu()
                t0 = time.thread_time()
                train(cb)
                times[mode].append((time.thread_time() - t0) / steps * 1e6)
                if mode == "live":
                    cb.run.flush(60)
                    background.append((_background_cpu() - bg0) / steps * 1e6)
                    cb.run.finish()
        reads = {}
        for mode in ("plain", "live"):
            with Reads() as r:
                cb = callback(name="bench-reads", **opts) if mode == "live" else None
                train(cb)
            if cb is not None:
                cb.run.finish()
            reads[mode] = r.n
        best = {m: min(v) for m, v in times.items()}
        out[label] = dict(best, background=min(background), reads_added=reads["live"] - reads["plain"])
    return out


def report_integrations(opts):
    integ = integration_overhead(opts)
    if not integ:
        return
    print("integrations, per optimizer step inside a fake of each trainer (its real call order; CPU µs, min of 15 interleaved trials of 500 steps):")
    for label, r in integ.items():
        print("  %-20s trainer alone %6.1f; + callback, run disabled %+5.1f; + callback, live run %+5.1f on the training thread, "
              "%4.1f in lrscope's threads; tensor values read on the training thread: %d (budget: ≤ 20 µs, 0 reads)" % (
                  label, r["plain"], r["disabled"] - r["plain"], r["live"] - r["plain"], r["background"], r["reads_added"]))


def get_run(url, run_id):
    q = urllib.parse.quote(json.dumps({"id": run_id}))
    try:
        with urllib.request.urlopen("%s/api/trpc/runs.get?input=%s" % (url, q), timeout=30) as r:
            return json.load(r)["result"]["data"]["run"]
    except Exception:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default=os.environ.get("LRSCOPE_URL"))
    ap.add_argument("--key", default=os.environ.get("LRSCOPE_API_KEY"))
    ap.add_argument("--calls", type=int, default=200_000)
    ap.add_argument("--points", type=int, default=300_000)
    ap.add_argument("--server-label", default=None)
    ap.add_argument("--integrations-only", action="store_true", help="only the per-step cost of each integration")
    args = ap.parse_args()

    fake = None
    if args.url and args.key:
        url, key, label = args.url, args.key, args.server_label or "lrscope server at %s" % args.url
    else:
        fake, url, key = start_fake_server()
        label = "stdlib fake server (clients/python/tests/fake_server.py), separate process"
    spool = os.path.join("/tmp", "lrscope-bench-spool-%d" % os.getpid())
    opts = dict(url=url, api_key=key, spool_dir=spool)
    print("python %s, lrscope %s; server: %s" % (sys.version.split()[0], lrscope.__version__, label))
    try:
        gc.collect()
        if args.integrations_only:
            report_integrations(opts)
            return
        overhead = timer_overhead_ns() / 1000

        # 1. Training-thread cost of run.log.
        # max_queue holds the whole tight loop: it logs ~10x faster than the collector drains,
        # and this measures the training thread, not what a full queue drops.
        run = lrscope.init(name="bench-log-overhead", max_queue=3 * args.calls + 30_000, **opts)
        run.log(0, lr=0.001)
        run.flush(30)
        paced = per_call(run, 20_000, pace_s=0.0002, start=1)
        run.flush(60)
        tight = per_call(run, args.calls, start=1_000_000)
        mean_tight = bulk(run, args.calls, start=2_000_000)
        run.finish(timeout=120)
        print("run.log on the training thread (timer overhead %.2f µs subtracted):" % overhead)
        for name, s in (("paced (200 µs GIL-free step between calls)", paced), ("tight loop (%d calls back to back)" % args.calls, tight)):
            print("  %-45s mean %6.2f µs   p50 %6.2f µs   p99 %6.2f µs   max %8.1f µs" % (
                name, statistics.fmean(s) - overhead, percentile(s, 0.5) - overhead, percentile(s, 0.99) - overhead, s[-1]))
        print("  %-45s mean %6.2f µs   (budget: ≤ 20 µs mean)" % ("tight loop, no per-call timer", mean_tight))

        # 2. What watch() adds to an optimizer step.
        w = watch_overhead(opts)
        if w:
            plain = w["plain"]
            print("lrscope.torch.watch, per optimizer.step()+scheduler.step() (tiny CPU model, median of 5 interleaved trials):")
            print("  plain %.2f µs; watched, run disabled %.2f µs (+%.2f); watched, live run %.2f µs (+%.2f)" % (
                plain, w["watched, run disabled"], w["watched, run disabled"] - plain, w["watched, live run"], w["watched, live run"] - plain))

        # 3. Each integration inside a fake of its trainer.
        report_integrations(opts)

        # 4. End to end: one process logging as fast as it can, until the server has everything.
        n = args.points
        run = lrscope.init(name="bench-e2e", max_queue=n + 10, **opts)
        rid = run.wait_id(30)
        t0 = time.perf_counter()
        for s in range(n):
            run.log(s, lr=0.001 * 0.5 ** (s // 100_000), loss=2.0 / (s + 1) ** 0.5, epoch=s // 1000)
        t_logged = time.perf_counter() - t0
        ok = run.flush(600)
        t_done = time.perf_counter() - t0
        run.finish()
        stored = get_run(url, rid) if not fake else None
        print("end to end: %d points logged in %.2f s (%.0f calls/s), all on the server after %.2f s: %.0f points/s%s%s" % (
            n, t_logged, n / t_logged, t_done, n / t_done, "" if ok else " (flush timed out!)",
            "; server pointCount %s" % stored["pointCount"] if stored else ""))
    finally:
        if fake is not None:
            fake.terminate()
        shutil.rmtree(spool, ignore_errors=True)


if __name__ == "__main__":
    main()
