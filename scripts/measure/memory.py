#!/usr/bin/python3
"""Measure the real memory cost of Python web-server processes on this machine.

Run with Debian's interpreter (it has gunicorn, gevent, flask, uvicorn, asgiref):

    /usr/bin/python3 scripts/measure/memory.py            # full run, 3 repeats (~5.5 min)
    /usr/bin/python3 scripts/measure/memory.py --repeats 2 --json /tmp/raw.json

What it measures (every server is started and stopped by this script, binds
127.0.0.1 only, and every load loop is bounded in count and time):

1. base    - one idle worker process, after a short warm-up, for: gunicorn
             sync / gthread / gevent workers (tiny Flask app), uvicorn with a
             plain ASGI app, uvicorn with Flask behind asgiref's WsgiToAsgi,
             Flask's dev server (werkzeug run_simple, threaded=False), and the
             gunicorn master (arbiter).
1b. workers - gunicorn sync with 1 and 4 workers: RSS and Pss summed over
             arbiter + workers (Pss does not double-count fork-shared pages).
2. threads - gunicorn gthread with threads=T, T in {1,10,50,100,200}; T+10%
             clients loop on a handler that sleeps 0.5 s so every thread is
             busy; memory is sampled while they are busy.
3. greenlets  - gunicorn gevent worker with N requests parked in gevent.sleep.
4. coroutines - uvicorn (plain ASGI app) with N requests parked in asyncio.sleep.

Memory figures come from /proc/PID/status (VmRSS = resident, VmSize = virtual
address space) and /proc/PID/smaps_rollup (Rss, Pss, Private_Dirty).
Resident = pages actually in RAM; virtual = address space reserved (thread
stacks, malloc arenas, mmaps), most of which is never touched.
"""

import argparse
import asyncio
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

PY = "/usr/bin/python3"          # Debian python with the server packages
HOST = "127.0.0.1"               # loopback only

# ---------------------------------------------------------------------------
# The applications under test, written into a temporary directory.
# ---------------------------------------------------------------------------

WSGI_APP = '''
"""Tiny Flask app. /sleep parks the request in time.sleep (which the gunicorn
gevent worker monkey-patches into gevent.sleep); /stats reports how many
requests are currently parked."""
import json, threading, time
from flask import Flask, request

app = Flask(__name__)
_lock = threading.Lock()
_inflight = 0

@app.route("/")
def index():
    return "ok\\n"

@app.route("/sleep")
def sleep():
    global _inflight
    with _lock:
        _inflight += 1
    try:
        time.sleep(float(request.args.get("s", "0.5")))
    finally:
        with _lock:
            _inflight -= 1
    return "slept\\n"

@app.route("/stats")
def stats():
    return json.dumps({"inflight": _inflight,
                       "sleep": time.sleep.__module__ + "." + time.sleep.__name__})
'''

ASGI_APP = '''
"""Plain ASGI app, no framework. /sleep parks the request in asyncio.sleep."""
import asyncio, json
from urllib.parse import parse_qs

_inflight = 0

async def app(scope, receive, send):
    global _inflight
    if scope["type"] == "lifespan":
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path = scope["path"]
    if path == "/sleep":
        qs = parse_qs(scope.get("query_string", b"").decode())
        _inflight += 1
        try:
            await asyncio.sleep(float(qs.get("s", ["0.5"])[0]))
        finally:
            _inflight -= 1
        body = b"slept\\n"
    elif path == "/stats":
        body = json.dumps({"inflight": _inflight, "sleep": "asyncio.sleep"}).encode()
    else:
        body = b"ok\\n"
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
'''

WSGI_TO_ASGI_APP = '''
from asgiref.wsgi import WsgiToAsgi
from wsgi_app import app as flask_app
app = WsgiToAsgi(flask_app)
'''

FLASK_DEV = '''
import sys
from werkzeug.serving import run_simple
from wsgi_app import app
# Same as app.run(): single process, single thread, no reloader, no debugger.
run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=False, processes=1,
           use_reloader=False, use_debugger=False)
'''

# ---------------------------------------------------------------------------
# /proc readers
# ---------------------------------------------------------------------------


def read_mem(pid):
    """Memory of one process in KiB: VmRSS/VmSize/Threads from status,
    Rss/Pss/Private_Dirty from smaps_rollup, plus the open fd count."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, val = line.partition(":")
            if key in ("VmRSS", "VmSize", "VmHWM", "Threads"):
                out[key] = int(val.split()[0])
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            key, _, val = line.partition(":")
            if key in ("Rss", "Pss", "Private_Dirty"):
                out[key] = int(val.split()[0])
    out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    return out


def kernel_stack_kb():
    """System-wide kernel stack memory (KiB). Each thread has a kernel stack
    (16 KiB on x86-64) that is NOT counted in any process's RSS."""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("KernelStack:"):
                return int(line.split()[1])
    return 0


def children_of(ppid):
    """PIDs whose parent is ppid (scans /proc; no CONFIG_PROC_CHILDREN needed)."""
    kids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # field 4 (ppid) follows the ")" that closes the command name
        if int(stat.rsplit(")", 1)[1].split()[1]) == ppid:
            kids.append(int(name))
    return kids


def median_sample(pid, n=5, gap=0.2):
    """Median of n samples, gap seconds apart (field by field)."""
    samples = []
    for i in range(n):
        samples.append(read_mem(pid))
        if i + 1 < n:
            time.sleep(gap)
    return {k: int(statistics.median(s[k] for s in samples)) for k in samples[0]}


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """One server started in its own process group, killed on stop()."""

    def __init__(self, kind, appdir, threads=1, worker_connections=1000, workers=1):
        self.kind = kind
        self.port = free_port()
        self.log = open(os.path.join(appdir, f"{kind}-{self.port}.log"), "w+")
        gunicorn = [PY, "-m", "gunicorn", "--chdir", appdir, "-b", f"{HOST}:{self.port}",
                    "-w", str(workers), "--log-level", "warning", "--graceful-timeout", "1",
                    "--backlog", "4096"]
        uvicorn = [PY, "-m", "uvicorn", "--app-dir", appdir, "--host", HOST,
                   "--port", str(self.port), "--log-level", "warning",
                   "--no-access-log", "--backlog", "4096"]
        cmd = {
            "sync": gunicorn + ["-k", "sync", "wsgi_app:app"],
            "gthread": gunicorn + ["-k", "gthread", "--threads", str(threads),
                                   "--worker-connections", str(worker_connections),
                                   "wsgi_app:app"],
            "gevent": gunicorn + ["-k", "gevent", "--worker-connections",
                                  str(worker_connections), "wsgi_app:app"],
            "uvicorn-asgi": uvicorn + ["asgi_app:app"],
            "uvicorn-wsgitoasgi": uvicorn + ["wsgi2asgi_app:app"],
            "flask-dev": [PY, os.path.join(appdir, "flask_dev.py"), str(self.port)],
        }[kind]
        self.gunicorn = cmd[:3] == [PY, "-m", "gunicorn"]
        self.proc = subprocess.Popen(cmd, cwd=appdir, stdout=self.log, stderr=self.log,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        LIVE.add(self)
        self.worker = self.arbiter = None
        self.workers = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if self.gunicorn:
                kids = children_of(self.proc.pid)
                if len(kids) == workers:
                    self.arbiter, self.worker, self.workers = self.proc.pid, min(kids), kids
            else:
                self.worker = self.proc.pid
            if self.worker and run(http_get(self.port, "/", timeout=2)) == 200:
                if self.gunicorn:     # every worker booted and importable
                    time.sleep(0.5 * workers)
                return
            time.sleep(0.2)
        self.stop()
        self.log.seek(0)
        raise RuntimeError(f"{kind} did not start:\n{self.log.read()[-2000:]}")

    def stop(self):
        """SIGTERM the process group, SIGKILL it if still alive after 3 s."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                pass
            except ProcessLookupError:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)   # stray workers, if any
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.log.close()
        LIVE.discard(self)


LIVE = set()


def stop_all(*_):
    for s in list(LIVE):
        s.stop()


# ---------------------------------------------------------------------------
# HTTP client (asyncio, raw sockets, HTTP/1.1 with Connection: close)
# ---------------------------------------------------------------------------


def run(coro):
    return asyncio.run(coro)


def request_bytes(path):
    return (f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n").encode()


async def http_get(port, path, timeout=10.0, body=False):
    """One GET; returns the status code (and body if asked), None on error."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    except (OSError, asyncio.TimeoutError):
        return (None, b"") if body else None
    try:
        writer.write(request_bytes(path))
        data = await asyncio.wait_for(reader.read(), timeout)
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else None
        return (status, data.partition(b"\r\n\r\n")[2]) if body else status
    except (OSError, asyncio.TimeoutError, ValueError, IndexError):
        return (None, b"") if body else None
    finally:
        writer.close()


async def warm_up(port):
    """A few sequential requests plus a small concurrent burst of short sleeps,
    so lazy imports / first-request allocations are done before we measure."""
    for _ in range(10):
        await http_get(port, "/")
    await asyncio.gather(*(http_get(port, "/sleep?s=0.05") for _ in range(4)))
    await http_get(port, "/stats")


async def stats(port):
    status, body = await http_get(port, "/stats", timeout=5, body=True)
    return json.loads(body) if status == 200 else None


async def loop_requests(port, path, until, max_requests):
    """Keep one client busy: sequential requests until time or count runs out."""
    done = 0
    while time.monotonic() < until and done < max_requests:
        if await http_get(port, path, timeout=10) is None:
            await asyncio.sleep(0.05)
        done += 1
    return done


async def park(port, path, writers):
    """Open a connection, send the request, and wait (the server parks it)."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), 30)
    except (OSError, asyncio.TimeoutError):
        return
    writers.append(writer)
    writer.write(request_bytes(path))
    try:
        await reader.read()          # ends when we close, or when the server dies
    except OSError:
        pass


# ---------------------------------------------------------------------------
# Experiments
# ---------------------------------------------------------------------------


def measure_base(appdir, kind):
    srv = Server(kind, appdir)
    try:
        run(warm_up(srv.port))
        time.sleep(1.0)
        row = {"kind": kind, "worker": median_sample(srv.worker)}
        if srv.arbiter:
            row["arbiter"] = median_sample(srv.arbiter)
        return row
    finally:
        srv.stop()


def measure_workers(appdir, workers):
    """gunicorn sync with `workers` workers (no --preload): total memory of the
    arbiter + all workers. Summing RSS double-counts pages shared after fork;
    summing Pss does not, so Pss is the honest 'cost of the whole server'."""
    srv = Server("sync", appdir, workers=workers)
    try:
        # Connection: close requests are spread over workers by the kernel;
        # send enough that every worker very likely served a few.
        async def spread():
            await asyncio.gather(*(http_get(srv.port, "/") for _ in range(20 * workers)))
        run(asyncio.wait_for(spread(), 60))
        time.sleep(1.0)
        procs = [srv.arbiter] + srv.workers
        tot = {}
        for pid in procs:
            for k, v in median_sample(pid, n=3).items():
                tot[k] = tot.get(k, 0) + v
        return {"workers": workers, "total": tot}
    finally:
        srv.stop()


def measure_threads(appdir, threads, load_s=3.5, sleep_s=0.5):
    """gthread with `threads` threads; threads + 10% clients loop on a 0.5 s
    handler. Sample every 0.2 s; 'busy' = median of samples taken after the
    first second (all threads created and sleeping in the handler)."""
    srv = Server("gthread", appdir, threads=threads,
                 worker_connections=max(1000, 2 * threads))
    try:
        run(warm_up(srv.port))
        time.sleep(0.5)
        idle = median_sample(srv.worker)
        idle["KernelStack"] = kernel_stack_kb()

        async def load():
            t0 = time.monotonic()
            until = t0 + load_s
            clients = threads + max(2, threads // 10)
            max_req = int(load_s / sleep_s) + 2
            tasks = [asyncio.create_task(loop_requests(srv.port, f"/sleep?s={sleep_s}",
                                                       until, max_req))
                     for _ in range(clients)]
            samples = []
            while time.monotonic() < until:
                await asyncio.sleep(0.2)
                if time.monotonic() - t0 >= 1.0:
                    sample = read_mem(srv.worker)
                    sample["KernelStack"] = kernel_stack_kb()
                    samples.append(sample)
            done = sum(await asyncio.gather(*tasks))
            return samples, done

        samples, done = run(load())
        busy = {k: int(statistics.median(s[k] for s in samples)) for k in samples[0]}
        time.sleep(1.0)
        after = median_sample(srv.worker)      # pool threads stay alive when idle
        return {"threads": threads, "idle": idle, "busy": busy, "after": after,
                "requests": done}
    finally:
        srv.stop()


def measure_parked(appdir, kind, n, hold_s=120, batch=200):
    """n requests parked in gevent.sleep / asyncio.sleep; memory is sampled once
    the app reports n requests in flight. The hold time is only an upper bound:
    we close the client sockets and kill the server as soon as we have measured."""
    srv = Server(kind, appdir, worker_connections=max(1000, n + 100))
    try:
        run(warm_up(srv.port))
        time.sleep(0.5)
        idle = median_sample(srv.worker)

        async def load():
            writers, tasks = [], []
            for i in range(0, n, batch):            # ramp up in batches
                for _ in range(min(batch, n - i)):
                    tasks.append(asyncio.create_task(park(srv.port, f"/sleep?s={hold_s}", writers)))
                await asyncio.sleep(0.05)
            deadline = time.monotonic() + 60
            st = None
            while time.monotonic() < deadline:
                st = await stats(srv.port)
                if st and st["inflight"] >= n:
                    break
                await asyncio.sleep(0.3)
            await asyncio.sleep(0.5)
            loaded = await asyncio.to_thread(median_sample, srv.worker)
            for w in writers:
                w.close()
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            return st, loaded

        st, loaded = run(load())
        if not st or st["inflight"] < n:
            raise RuntimeError(f"{kind}: only {st} of {n} requests in flight")
        return {"kind": kind, "n": n, "idle": idle, "loaded": loaded,
                "inflight": st["inflight"], "sleep_fn": st["sleep"]}
    finally:
        srv.stop()


# ---------------------------------------------------------------------------
# Reporting helpers
# ---------------------------------------------------------------------------


def mb(kb):
    return kb / 1024


def rng(values, fmt="{:.1f}"):
    lo, hi = min(values), max(values)
    return fmt.format(lo) if fmt.format(lo) == fmt.format(hi) else f"{fmt.format(lo)}-{fmt.format(hi)}"


def slope(xs, ys):
    """Least-squares slope of ys over xs."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den


def machine():
    import importlib.metadata as md
    vers = {}
    for dist in ("gunicorn", "gevent", "greenlet", "Flask", "Werkzeug", "uvicorn",
                 "asgiref", "h11"):
        try:
            vers[dist] = md.version(dist)
        except md.PackageNotFoundError:
            vers[dist] = "?"
    return {"nproc": os.cpu_count(), "kernel": os.uname().release,
            "python": sys.version.split()[0], "ulimit_s_kb": resource.getrlimit(resource.RLIMIT_STACK)[0] // 1024,
            "packages": vers}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", default="1,10,50,100,200")
    ap.add_argument("--parked", default="100,1000,5000")
    ap.add_argument("--only", default="base,workers,threads,greenlets,coroutines")
    ap.add_argument("--json", help="also write raw samples to this file")
    ap.add_argument("--budget", type=float, default=1200, help="overall time limit, seconds")
    args = ap.parse_args()
    thread_counts = [int(x) for x in args.threads.split(",")]
    parked_counts = [int(x) for x in args.parked.split(",")]
    only = set(args.only.split(","))
    deadline = time.monotonic() + args.budget

    # 5000 parked sockets on each side need fds; raise the soft limit (inherited
    # by the servers we start).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    def check_time():
        if time.monotonic() > deadline:
            raise SystemExit("time budget exhausted")

    raw = {"machine": machine(), "base": [], "workers": [], "threads": [], "parked": []}
    with tempfile.TemporaryDirectory(prefix="pymem-") as appdir:
        for name, src in (("wsgi_app.py", WSGI_APP), ("asgi_app.py", ASGI_APP),
                          ("wsgi2asgi_app.py", WSGI_TO_ASGI_APP), ("flask_dev.py", FLASK_DEV)):
            with open(os.path.join(appdir, name), "w") as f:
                f.write(textwrap.dedent(src))
        try:
            for rep in range(args.repeats):
                if "base" in only:
                    for kind in ("sync", "gthread", "gevent", "uvicorn-asgi",
                                 "uvicorn-wsgitoasgi", "flask-dev"):
                        check_time()
                        raw["base"].append(measure_base(appdir, kind))
                        print(f"# base {kind} rep {rep}: {raw['base'][-1]['worker']}", file=sys.stderr)
                if "workers" in only:
                    for w in (1, 4):
                        check_time()
                        raw["workers"].append(measure_workers(appdir, w))
                        print(f"# workers {w} rep {rep}: {raw['workers'][-1]['total']}", file=sys.stderr)
                if "threads" in only:
                    for t in thread_counts:
                        check_time()
                        raw["threads"].append(measure_threads(appdir, t))
                        r = raw["threads"][-1]
                        print(f"# threads {t} rep {rep}: busy {r['busy']}", file=sys.stderr)
                for exp, kind in (("greenlets", "gevent"), ("coroutines", "uvicorn-asgi")):
                    if exp not in only:
                        continue
                    for n in parked_counts:
                        check_time()
                        raw["parked"].append(measure_parked(appdir, kind, n))
                        r = raw["parked"][-1]
                        print(f"# {kind} n={n} rep {rep}: idle {r['idle']['VmRSS']} "
                              f"loaded {r['loaded']['VmRSS']} ({r['sleep_fn']})", file=sys.stderr)
        finally:
            stop_all()

    if args.json:
        with open(args.json, "w") as f:
            json.dump(raw, f, indent=1)
    report(raw)


def report(raw):
    m = raw["machine"]
    print(f"machine: nproc={m['nproc']} kernel={m['kernel']} python={m['python']} "
          f"ulimit -s={m['ulimit_s_kb']} KiB")
    print("packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()))
    print("All figures: range over repeats (min-max).")

    if raw["base"]:
        print("\n1. Base memory of one idle process (MiB)")
        print(f"{'process':<20}{'VmRSS':>12}{'Pss':>12}{'Priv_Dirty':>12}{'VmSize':>14}{'threads':>9}")
        kinds = []
        for r in raw["base"]:
            if r["kind"] not in kinds:
                kinds.append(r["kind"])
        rows = [(k, [r["worker"] for r in raw["base"] if r["kind"] == k]) for k in kinds]
        for k in kinds:        # the arbiter imports the worker class, so it differs per -k
            arb = [r["arbiter"] for r in raw["base"] if r["kind"] == k and "arbiter" in r]
            if arb:
                rows.append((f"arbiter ({k})", arb))
        for name, ss in rows:
            print(f"{name:<20}" + "".join(f"{rng([mb(s[k]) for s in ss]):>{14 if k == 'VmSize' else 12}}"
                                          for k in ("VmRSS", "Pss", "Private_Dirty", "VmSize"))
                  + f"{rng([s['Threads'] for s in ss], '{:d}'):>9}")

    if raw["workers"]:
        print("\n1b. gunicorn sync, whole server (arbiter + workers), summed (MiB)")
        print(f"{'workers':<10}{'sum VmRSS':>14}{'sum Pss':>14}{'sum VmSize':>14}")
        for w in sorted({r["workers"] for r in raw["workers"]}):
            ts = [r["total"] for r in raw["workers"] if r["workers"] == w]
            print(f"{w:<10}" + "".join(f"{rng([mb(t[k]) for t in ts]):>14}"
                                       for k in ("VmRSS", "Pss", "VmSize")))
        ws = sorted({r["workers"] for r in raw["workers"]})
        if len(ws) >= 2:
            xs = [r["workers"] for r in raw["workers"]]
            print("marginal per extra worker process: "
                  f"Pss {mb(slope(xs, [r['total']['Pss'] for r in raw['workers']])):.1f} MiB, "
                  f"RSS {mb(slope(xs, [r['total']['VmRSS'] for r in raw['workers']])):.1f} MiB")

    if raw["threads"]:
        print("\n2. gthread worker while all T threads are busy (handler sleeps 0.5 s)")
        print(f"{'T':>5}{'OS threads':>12}{'VmRSS MiB':>14}{'Pss MiB':>14}{'VmSize MiB':>16}"
              f"{'RSS after MiB':>15}")
        ts = sorted({r["threads"] for r in raw["threads"]})
        for t in ts:
            rs = [r for r in raw["threads"] if r["threads"] == t]
            print(f"{t:>5}{rng([r['busy']['Threads'] for r in rs], '{:d}'):>12}"
                  f"{rng([mb(r['busy']['VmRSS']) for r in rs]):>14}"
                  f"{rng([mb(r['busy']['Pss']) for r in rs]):>14}"
                  f"{rng([mb(r['busy']['VmSize']) for r in rs]):>16}"
                  f"{rng([mb(r['after']['VmRSS']) for r in rs]):>15}")
        xs = [r["busy"]["Threads"] for r in raw["threads"]]
        big = [r for r in raw["threads"] if r["threads"] >= 50]
        print("marginal per OS thread (least-squares slope over all runs):")
        print(f"  RSS busy   {slope(xs, [r['busy']['VmRSS'] for r in raw['threads']]):8.1f} KiB")
        print(f"  RSS after  {slope([r['after']['Threads'] for r in raw['threads']], [r['after']['VmRSS'] for r in raw['threads']]):8.1f} KiB")
        print(f"  VSZ        {slope(xs, [r['busy']['VmSize'] for r in raw['threads']]):8.1f} KiB")
        print(f"  kernel stack (system-wide KernelStack, busy - idle; not in RSS) "
              f"{slope([r['busy']['Threads'] - r['idle']['Threads'] for r in raw['threads']], [r['busy']['KernelStack'] - r['idle']['KernelStack'] for r in raw['threads']]):8.1f} KiB")
        if len({r['threads'] for r in big}) >= 2:
            print(f"  VSZ (T>=50, past the malloc-arena cap) "
                  f"{slope([r['busy']['Threads'] for r in big], [r['busy']['VmSize'] for r in big]):8.1f} KiB")
        per = {}
        for r in raw["threads"]:
            if r["threads"] > 1:
                one = [q for q in raw["threads"] if q["threads"] == 1]
                if one:
                    base = statistics.fmean(q["busy"]["VmRSS"] for q in one)
                    basev = statistics.fmean(q["busy"]["VmSize"] for q in one)
                    per.setdefault(r["threads"], []).append(
                        ((r["busy"]["VmRSS"] - base) / (r["threads"] - 1),
                         (r["busy"]["VmSize"] - basev) / (r["threads"] - 1)))
        for t, v in sorted(per.items()):
            print(f"  T={t:<4} vs T=1: RSS {rng([a for a, _ in v], '{:.0f}')} KiB/thread, "
                  f"VSZ {rng([b for _, b in v], '{:.0f}')} KiB/thread")

    for kind, label, parked in (("gevent", "3. gevent worker, N requests parked in gevent.sleep",
                                 "greenlet"),
                                ("uvicorn-asgi", "4. uvicorn plain ASGI, N requests parked in asyncio.sleep",
                                 "coroutine")):
        rs = [r for r in raw["parked"] if r["kind"] == kind]
        if not rs:
            continue
        print(f"\n{label}")
        print(f"{'N':>6}{'idle RSS MiB':>14}{'loaded RSS MiB':>16}{'dRSS KiB/req':>14}"
              f"{'dPss KiB/req':>14}{'dVSZ KiB/req':>14}")
        for n in sorted({r["n"] for r in rs}):
            q = [r for r in rs if r["n"] == n]
            d = lambda k: [(r["loaded"][k] - r["idle"][k]) / n for r in q]
            print(f"{n:>6}{rng([mb(r['idle']['VmRSS']) for r in q]):>14}"
                  f"{rng([mb(r['loaded']['VmRSS']) for r in q]):>16}"
                  f"{rng(d('VmRSS')):>14}{rng(d('Pss')):>14}{rng(d('VmSize')):>14}")
        xs = [r["n"] for r in rs]
        print(f"marginal per in-flight {parked} request (slope over all runs): "
              f"RSS {slope(xs, [r['loaded']['VmRSS'] - r['idle']['VmRSS'] for r in rs]):.1f} KiB, "
              f"VSZ {slope(xs, [r['loaded']['VmSize'] - r['idle']['VmSize'] for r in rs]):.1f} KiB")


if __name__ == "__main__":
    main()
