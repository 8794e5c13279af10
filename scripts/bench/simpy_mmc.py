#!/usr/bin/python3
"""The M/M/c model of engine.BenchmarkMMc, in SimPy, for a speed comparison.

Run with Debian's interpreter (python3-simpy, SimPy 2.3.1 on bookworm):

    /usr/bin/python3 scripts/bench/simpy_mmc.py               # 200000 requests
    /usr/bin/python3 scripts/bench/simpy_mmc.py -n 1000000 --seed 7

The Go side (engine/bench_test.go, BenchmarkMMc, beside its floor floorMMc)
runs

    model=sync workers=3 cores=3 rate=2.4 io=1s io-dist=exp io-late=0s requests=N

that is: Poisson arrivals at 2.4/s, 3 sync workers, one FIFO queue, and a
service time of an exponential upstream call (mean 1 s) plus the sync
worker's fixed CPU per request (parse 298 µs + respond 149 µs + resume
1600 µs = 2047 µs, never contended with a core per worker; engine/sync.go).
The run ends when N requests have finished. Here the same thing is a SimPy
Resource of capacity 3 (FIFO), a source Process drawing exponential
inter-arrival times, and one Process per request that requests a server,
holds it for 2.047 ms + Exp(1 s) and releases it. Waiting time is arrival to getting a server (the
engine's "wait": before the handler first runs); P(wait) is the share of
requests that found all three servers busy.

The script speaks the SimPy 2.x API ("from SimPy.Simulation import ...",
yield hold/request/release tuples), which is what Debian packages; if only
modern simpy (3.x/4.x) is installed it uses that instead. It prints the
requests completed, the wall time (and CPU time) of the simulation loop,
simulated requests per wall second (and per CPU second), and the mean wait
and P(wait) with 99% batch-means confidence intervals next to the Erlang C
values. The same seed gives the same sample path under either API.
"""

import argparse
import math
import random
import sys
import time

RATE = 2.4           # arrivals per second
SERVERS = 3          # sync workers
IO_MEAN = 1.0        # mean of the exponential upstream call, seconds
CPU = 0.002047       # fixed server CPU per request, seconds (engine/sync.go)


def erlang_c(c, a):
    """P(wait) and mean wait in units of 1/mu for M/M/c with offered load a."""
    b = 1.0
    for k in range(1, c + 1):          # Erlang B by its stable recurrence
        b = a * b / (k + a * b)
    rho = a / c
    p = b / (1 - rho + rho * b)
    return p, p / (c - a)


def run_simpy2(n, seed, cpu):
    from SimPy.Simulation import (Simulation, Process, Resource,
                                  hold, request, release)
    import SimPy
    api = "SimPy %s (2.x API: from SimPy.Simulation import ...)" % getattr(
        SimPy, "__version__", "?")

    arr_rng = random.Random(seed)
    svc_rng = random.Random(seed + 1_000_003)
    arr = arr_rng.expovariate
    svc = svc_rng.expovariate
    inv_io = 1.0 / IO_MEAN

    sim = Simulation()
    servers = Resource(capacity=SERVERS, name="workers", sim=sim)
    waits = []                       # one per request that got a server
    state = {"done": 0}

    class Request(Process):
        def life(self):
            t0 = sim._t
            yield request, self, servers
            waits.append(sim._t - t0)
            yield hold, self, cpu + svc(inv_io)
            yield release, self, servers
            state["done"] += 1
            if state["done"] >= n:
                sim.stopSimulation()

    class Source(Process):
        def generate(self):
            while True:
                yield hold, self, arr(RATE)
                r = Request(sim=sim)
                sim.activate(r, r.life())

    src = Source(sim=sim)
    sim.activate(src, src.generate())
    start, cpu0 = time.perf_counter(), time.process_time()
    sim.simulate(until=float("inf"))
    wall, cpus = time.perf_counter() - start, time.process_time() - cpu0
    return api, state["done"], wall, cpus, sim.now(), waits


def run_simpy3(n, seed, cpu):
    import simpy
    api = "simpy %s (3.x/4.x API: simpy.Environment)" % simpy.__version__

    arr_rng = random.Random(seed)
    svc_rng = random.Random(seed + 1_000_003)
    arr = arr_rng.expovariate
    svc = svc_rng.expovariate
    inv_io = 1.0 / IO_MEAN

    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=SERVERS)
    waits = []
    state = {"done": 0}
    finished = env.event()

    def request():
        t0 = env.now
        with servers.request() as req:
            yield req
            waits.append(env.now - t0)
            yield env.timeout(cpu + svc(inv_io))
        state["done"] += 1
        if state["done"] >= n and not finished.triggered:
            finished.succeed()

    def source():
        while True:
            yield env.timeout(arr(RATE))
            env.process(request())

    env.process(source())
    start, cpu0 = time.perf_counter(), time.process_time()
    env.run(until=finished)
    wall, cpus = time.perf_counter() - start, time.process_time() - cpu0
    return api, state["done"], wall, cpus, env.now, waits


def batch_ci99(xs, batches=20):
    """Mean and 99% half-width by batch means (Student t, 19 d.f.: 2.861)."""
    size = len(xs) // batches
    means = [sum(xs[i * size:(i + 1) * size]) / size for i in range(batches)]
    m = sum(means) / batches
    sd = math.sqrt(sum((x - m) ** 2 for x in means) / (batches - 1))
    return m, 2.861 * sd / math.sqrt(batches)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--requests", type=int, default=200000,
                    help="stop after this many completed requests (default 200000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--no-cpu", action="store_true",
                    help="pure M/M/c: leave out the fixed 2.047 ms CPU")
    ap.add_argument("--api", choices=["auto", "2", "3"], default="auto",
                    help="SimPy API to use (default: 2.x if installed, else 3.x/4.x)")
    args = ap.parse_args()
    if args.requests < 1000:
        ap.error("--requests must be at least 1000")

    cpu = 0.0 if args.no_cpu else CPU
    runner = None
    if args.api in ("auto", "2"):
        try:
            import SimPy.Simulation  # noqa: F401
            runner = run_simpy2
        except ImportError:
            if args.api == "2":
                sys.exit("SimPy 2.x (module SimPy) is not installed: apt-get install python3-simpy")
    if runner is None:
        try:
            import simpy  # noqa: F401
            runner = run_simpy3
        except ImportError:
            sys.exit("neither SimPy 2.x (SimPy) nor simpy 3.x/4.x is importable; "
                     "apt-get install python3-simpy")

    api, done, wall, cpus, simtime, waits = runner(args.requests, args.seed, cpu)

    service = IO_MEAN + cpu
    p_ec, w_units = erlang_c(SERVERS, RATE * service)
    w_ec = w_units * service * 1000
    w_mean, w_half = batch_ci99([w * 1000 for w in waits])
    p_mean, p_half = batch_ci99([1.0 if w > 0 else 0.0 for w in waits])

    print("python:            %s" % sys.version.split()[0])
    print("simpy:             %s" % api)
    print("model:             M/M/%d, lambda=%g/s, service=%.3f ms fixed + Exp(%g ms), seed=%d"
          % (SERVERS, RATE, cpu * 1000, IO_MEAN * 1000, args.seed))
    print("requests:          %d completed (%d started), %.1f s simulated"
          % (done, len(waits), simtime))
    print("wall seconds:      %.3f   (CPU %.3f s)" % (wall, cpus))
    print("simulated req/s:   %.0f   (per CPU second: %.0f)" % (done / wall, done / cpus))
    print("mean wait:         %.2f ± %.2f ms   (Erlang C %.2f ms)" % (w_mean, w_half, w_ec))
    print("P(wait):           %.4f ± %.4f   (Erlang C %.4f)" % (p_mean, p_half, p_ec))
    print("utilisation:       %.4f   (lambda*S/c)" % (RATE * service / SERVERS))


if __name__ == "__main__":
    main()
