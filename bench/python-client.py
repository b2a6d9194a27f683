"""Python client overhead and throughput: what `run.log` costs the training thread (µs per call,
mean and p99; budget in docs/architecture.md: ≤ 20 µs mean), what `lrscope.torch.watch` adds to an
optimizer step, and end-to-end points/s from one Python process to a server.

    PYTHONPATH=clients/python /usr/bin/python3 bench/python-client.py [--url URL --key KEY] [--calls 200000] [--points 300000]

Without --url/--key (or LRSCOPE_URL/LRSCOPE_API_KEY) it starts the stdlib fake server
(clients/python/tests/fake_server.py) in a separate process and says so; `npx tsx
bench/python-client.ts` runs this against the real server.
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

        # 3. End to end: one process logging as fast as it can, until the server has everything.
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
