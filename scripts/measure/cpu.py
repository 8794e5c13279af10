#!/usr/bin/python3
"""Measure the CPU time real Python web servers spend per request on this machine.

Run with Debian's interpreter (it has gunicorn, gevent, flask, uvicorn, asgiref):

    /usr/bin/python3 scripts/measure/cpu.py                 # full run, prints tables
    /usr/bin/python3 scripts/measure/cpu.py -n 1000 --repeats 1   # quick run
    /usr/bin/python3 scripts/measure/cpu.py --only sync,gevent --json out.json

Method (counts CPU, not wall time, so load from other processes on the machine
barely matters):

* Every server is started by this script with ONE worker process, bound to
  127.0.0.1 on a port in 18400-18499, in its own process group, and killed at
  the end (SIGTERM to the group, SIGKILL after 10 s).
* The app is trivial ("hello", no I/O). Servers are warmed up with 300
  requests first (imports, first-request setup).
* A client in a separate process (raw sockets, one request at a time) sends N
  requests, either keep-alive OFF (new TCP connection per request,
  "Connection: close") or keep-alive ON (HTTP/1.1 persistent connection,
  reconnecting only when the server closes it; the client reports how many
  connections it needed, so servers that force close are visible).
* CPU of the worker process (user+system, all its threads, including threads
  that already exited) is read before and after, and divided by N. The clock is
  the process CPU-time clock (clock_gettime on the pid's CPU clock, ns
  resolution); utime+stime from /proc/PID/stat (10 ms ticks) is recorded too as
  a cross-check. Only the worker is measured (not the gunicorn arbiter, not the
  client).
* Each figure is repeated (default 3) and reported as min/median/max.

Also measured:
* per-resume cost: bare ASGI app doing `await asyncio.sleep(0)` k times and a
  Flask view under gunicorn's gevent worker doing `gevent.sleep(0)` k times,
  k in {0, 10, 100}; slope = CPU per resume.
* Flask `async def` view (run through asgiref.async_to_sync, i.e. a new event
  loop per request) versus the plain view, under gunicorn gthread.
* Worker replacement time: gunicorn sync -w 1 with the Flask app; SIGTERM
  (and SIGKILL) the worker and time until a request is answered by the new
  worker's pid (with and without --preload).

Every load loop is bounded in request count and in time.
"""

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

PY = "/usr/bin/python3"          # Debian python with the server packages
HOST = "127.0.0.1"               # loopback only
PORT_LO, PORT_HI = 18400, 18499  # our port range
CLIENT_DEADLINE = 90.0           # seconds, per client run (hard stop)

# ---------------------------------------------------------------------------
# Applications under test (written into a temporary directory)
# ---------------------------------------------------------------------------

FLASK_APP = '''
import os
from flask import Flask, request

app = Flask(__name__)

@app.route("/")
def index():
    return "hello\\n"

@app.route("/async")
async def index_async():
    # Flask 2.2 runs this through asgiref.sync.async_to_sync: a fresh event
    # loop (in a helper thread) per request.
    return "hello\\n"

@app.route("/gsleep")
def gsleep():
    import gevent
    for _ in range(int(request.args.get("k", "0"))):
        gevent.sleep(0)
    return "hello\\n"

@app.route("/pid")
def pid():
    return str(os.getpid())
'''

ASGI_APP = '''
import asyncio

async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    qs = scope.get("query_string", b"")
    if qs.startswith(b"k="):
        for _ in range(int(qs[2:])):
            await asyncio.sleep(0)
    body = b"hello\\n"
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
'''

WSGI_TO_ASGI_APP = '''
from asgiref.wsgi import WsgiToAsgi
from flask_app import app as flask_app
app = WsgiToAsgi(flask_app)
'''

FLASK_DEV = '''
import logging, sys
from flask_app import app
port, threaded, log = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3] == "1"
if not log:
    # werkzeug logs one line per request to stderr by default
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
app.run(host="127.0.0.1", port=port, threaded=threaded, debug=False,
        use_reloader=False)
'''

CLIENT = r'''
"""Sequential HTTP/1.1 client on raw sockets.
argv: port path n keepalive deadline [gap_ms]
Prints JSON {ok, errors, conns, elapsed}."""
import json, socket, sys, time
port, path, n, ka, deadline = (int(sys.argv[1]), sys.argv[2], int(sys.argv[3]),
                               sys.argv[4] == "1", float(sys.argv[5]))
gap = float(sys.argv[6]) / 1e3 if len(sys.argv) > 6 else 0.0
req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n"
       % (path, "" if ka else "Connection: close\r\n")).encode()

def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s

def one(s):
    """Send one request on s, read the response. Returns (ok, server_keeps_open)."""
    s.sendall(req)
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            return False, False
        buf += d
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = lines[0].split()
    ok = len(status) > 1 and status[1] == b"200"
    hdr = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(b":")
        hdr[k.strip().lower()] = v.strip().lower()
    conn = hdr.get(b"connection", b"")
    keep = (status[0] == b"HTTP/1.1" and conn != b"close") or conn == b"keep-alive"
    if b"content-length" in hdr:
        want = int(hdr[b"content-length"])
        while len(body) < want:
            d = s.recv(65536)
            if not d:
                return False, False
            body += d
    elif hdr.get(b"transfer-encoding") == b"chunked":
        while not body.endswith(b"0\r\n\r\n"):
            d = s.recv(65536)
            if not d:
                return False, False
            body += d
    else:
        while True:
            d = s.recv(65536)
            if not d:
                break
        keep = False
    return ok, keep

t0 = time.monotonic()
ok = err = conns = 0
s = None
for i in range(n):
    if time.monotonic() - t0 > deadline:
        break
    if gap:
        time.sleep(gap)
    for attempt in range(2):
        try:
            if s is None:
                s = connect(); conns += 1
            good, keep = one(s)
            if not ka or not keep:
                # keep-alive off: wait for the server's close, then close
                if not ka:
                    try:
                        s.settimeout(2)
                        while s.recv(65536):
                            pass
                    except OSError:
                        pass
                s.close(); s = None
            if good:
                ok += 1
            else:
                err += 1
            break
        except OSError:
            if s is not None:
                s.close(); s = None
            if attempt == 1:
                err += 1
if s is not None:
    s.close()
print(json.dumps({"ok": ok, "errors": err, "conns": conns,
                  "elapsed": time.monotonic() - t0}))
'''

# ---------------------------------------------------------------------------
# Process helpers
# ---------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_ns(pid):
    """CPU time (user+system, all threads, incl. exited ones) of pid, in ns,
    from the process CPU-time clock (= MAKE_PROCESS_CPUCLOCK(pid, SCHED))."""
    return time.clock_gettime_ns(((~pid) << 3) | 2)


def stat_ticks(pid):
    """utime+stime of pid from /proc/PID/stat, in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def child_ticks(pid):
    """cutime+cstime of pid (CPU of its reaped children), in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[13]) + int(fields[14])


def children_of(ppid):
    kids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                st = f.read()
        except OSError:
            continue
        if int(st.rsplit(")", 1)[1].split()[1]) == ppid:
            kids.append(int(name))
    return kids


_next_port = PORT_LO


def pick_port():
    """Next free port in our range (a fresh port per server avoids piles of
    TIME_WAIT sockets on one port)."""
    global _next_port
    for _ in range(PORT_HI - PORT_LO + 1):
        port = _next_port
        _next_port = PORT_LO if _next_port >= PORT_HI else _next_port + 1
        with socket.socket() as s:
            try:
                s.bind((HOST, port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port in 18400-18499")


def http_get(port, path="/", timeout=5.0):
    """One GET with Connection: close; returns (status, body) or None."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            buf = b""
            while True:
                d = s.recv(65536)
                if not d:
                    break
                buf += d
    except OSError:
        return None
    head, _, body = buf.partition(b"\r\n\r\n")
    parts = head.split(b"\r\n", 1)[0].split()
    if len(parts) < 2:
        return None
    return int(parts[1]), body


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------

def gunicorn(kind, extra=(), app="flask_app:app"):
    def cmd(port):
        return [PY, "-m", "gunicorn", "-w", "1", "-b", f"{HOST}:{port}",
                "--log-level", "warning", *(("-k", kind) if kind else ()),
                *extra, app]
    return cmd


def uvicorn(app, extra=()):
    def cmd(port):
        level = () if "--log-level" in extra else ("--log-level", "warning")
        return [PY, "-m", "uvicorn", "--workers", "1", "--host", HOST,
                "--port", str(port), *level, *extra, app]
    return cmd


def dev(threaded, log=False):
    def cmd(port):
        return [PY, "dev_server.py", str(port), "1" if threaded else "0",
                "1" if log else "0"]
    return cmd


# name -> (label, command builder, worker is a child of the started process?)
SERVERS = {
    "dev":          ("Flask dev server, threaded=False", dev(False), False),
    "dev-threaded": ("Flask dev server, threaded=True", dev(True), False),
    "sync":         ("gunicorn sync -w 1, Flask", gunicorn("sync"), True),
    "gthread":      ("gunicorn gthread -w 1 --threads 4, Flask",
                     gunicorn("gthread", ("--threads", "4")), True),
    "gevent":       ("gunicorn gevent -w 1, Flask", gunicorn("gevent"), True),
    "asgi":         ("uvicorn, bare ASGI app", uvicorn("asgi_app:app", ("--no-access-log",)), False),
    # keep-alive: asgiref 3.6.0 WsgiToAsgi answers 500 ("Single thread executor
    # already being used, would deadlock") to a request that arrives on the same
    # connection before the previous request's task has finished; the client
    # therefore waits KA_GAP_MS between keep-alive requests for this server.
    "wsgi-to-asgi": ("uvicorn, Flask in asgiref WsgiToAsgi",
                     uvicorn("wsgi_to_asgi:app", ("--no-access-log", "--lifespan", "off")), False),
    "uvicorn-wsgi": ("uvicorn --interface wsgi, Flask",
                     uvicorn("flask_app:app", ("--no-access-log", "--interface", "wsgi")), False),
    # the same servers with their default per-request logging left on
    "dev-log":      ("Flask dev server, threaded=False, request log on", dev(False, True), False),
    # access lines are logged at INFO, so this one runs at uvicorn's default
    # --log-level info (the others run at warning, which also hides them)
    "asgi-log":     ("uvicorn, bare ASGI app, access log on (uvicorn default)",
                     uvicorn("asgi_app:app", ("--log-level", "info")), False),
}

KA_GAP_MS = {"wsgi-to-asgi": 2.0}

MAIN_ORDER = ["dev", "dev-threaded", "sync", "gthread", "gevent", "asgi",
              "wsgi-to-asgi", "uvicorn-wsgi", "dev-log", "asgi-log"]


class Server:
    def __init__(self, key, appdir, cmd=None, child=None):
        label, builder, is_child = SERVERS[key] if key in SERVERS else (key, cmd, child)
        self.label = label
        self.port = pick_port()
        self.appdir = appdir
        self.is_child = is_child
        self.log = open(os.path.join(appdir, f"server-{self.port}.log"), "w")
        self.proc = subprocess.Popen(builder(self.port), cwd=appdir,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        self.worker = None
        self.ka_gap_ms = KA_GAP_MS.get(key, 0.0)

    def wait_ready(self, timeout=30.0):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.label} exited; see {self.log.name}")
            r = http_get(self.port, "/", timeout=2)
            if r and r[0] == 200:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"{self.label} did not answer within {timeout}s")
        if self.is_child:
            kids = children_of(self.proc.pid)
            if len(kids) != 1:
                raise RuntimeError(f"{self.label}: expected 1 worker, found {kids}")
            self.worker = kids[0]
        else:
            self.worker = self.proc.pid
        return self

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        # the group may still hold a straggler worker
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.log.close()


def run_client(appdir, port, path, n, keepalive, gap_ms=0.0):
    out = subprocess.run([PY, "client.py", str(port), path, str(n),
                          "1" if keepalive else "0", str(CLIENT_DEADLINE), str(gap_ms)],
                         cwd=appdir, capture_output=True, text=True,
                         timeout=CLIENT_DEADLINE + 30)
    if out.returncode != 0:
        raise RuntimeError("client failed: " + out.stderr[-2000:])
    return json.loads(out.stdout)


def measure(srv, path, n, keepalive):
    """Send n requests; return dict with CPU per request of the worker."""
    pid = srv.worker
    c0, t0 = cpu_ns(pid), stat_ticks(pid)
    res = run_client(srv.appdir, srv.port, path, n, keepalive,
                     srv.ka_gap_ms if keepalive else 0.0)
    c1, t1 = cpu_ns(pid), stat_ticks(pid)
    done = res["ok"] + res["errors"]
    res["us_per_req"] = (c1 - c0) / 1e3 / max(res["ok"], 1)
    res["us_per_req_ticks"] = (t1 - t0) * 1e6 / CLK_TCK / max(res["ok"], 1)
    res["req_per_conn"] = done / max(res["conns"], 1)
    if res["errors"] or res["ok"] < n:
        res["warning"] = f"{res['ok']}/{n} ok, {res['errors']} errors"
    return res


def warm(srv, path="/", n=300):
    run_client(srv.appdir, srv.port, path, n, True, srv.ka_gap_ms)
    run_client(srv.appdir, srv.port, path, n // 3, False)


def idle_cpu(srv, seconds=2.0):
    """CPU the worker burns with no requests at all (timers, heartbeats)."""
    time.sleep(1.0)   # let the last connections wind down
    c0 = cpu_ns(srv.worker)
    time.sleep(seconds)
    return (cpu_ns(srv.worker) - c0) / 1e3 / seconds   # us of CPU per second


def summary(vals):
    return (min(vals), statistics.median(vals), max(vals))


def fmt3(t):
    return f"{t[0]:7.0f} / {t[1]:7.0f} / {t[2]:7.0f}"


# ---------------------------------------------------------------------------
# Experiments
# ---------------------------------------------------------------------------

def exp_main(appdir, keys, n, repeats, log):
    rows = []
    for key in keys:
        srv = Server(key, appdir)
        try:
            srv.wait_ready()
            warm(srv)
            idle = idle_cpu(srv)
            runs = {False: [], True: []}
            for r in range(repeats):
                for ka in (False, True):
                    m = measure(srv, "/", n, ka)
                    runs[ka].append(m)
                    log(f"  {key:13s} ka={'on ' if ka else 'off'} rep {r+1}: "
                        f"{m['us_per_req']:7.1f} us/req (ticks {m['us_per_req_ticks']:.0f}), "
                        f"{m['req_per_conn']:.1f} req/conn, {m['elapsed']:.1f}s"
                        + (f"  WARNING {m['warning']}" if "warning" in m else ""))
            rows.append({"key": key, "label": srv.label, "idle_us_per_s": idle,
                         "off": runs[False], "on": runs[True]})
        finally:
            srv.stop()
    return rows


def lsq_slope(xs, ys):
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def exp_resume(appdir, n, repeats, log, ks=(0, 10, 100, 1000)):
    """CPU per resume of a coroutine (asyncio.sleep(0)) / greenlet (gevent.sleep(0))."""
    out = {}
    for key, path in (("asgi", "/?k={k}"), ("gevent", "/gsleep?k={k}")):
        srv = Server(key, appdir)
        try:
            srv.wait_ready()
            warm(srv, path.format(k=10))
            per_k = {k: [] for k in ks}
            for r in range(repeats):
                for k in ks:
                    # fewer requests for the long k so a run stays short
                    m = measure(srv, path.format(k=k), n if k <= 100 else max(n // 4, 200), True)
                    per_k[k].append(m["us_per_req"])
                    log(f"  resume {key:7s} k={k:3d} rep {r+1}: {m['us_per_req']:7.1f} us/req")
            # slope per repeat from k=0 and k=max, and from k=0 and k=10
            kmax = max(ks)
            slope_max = [(per_k[kmax][i] - per_k[0][i]) / kmax for i in range(repeats)]
            slope_10 = [(per_k[10][i] - per_k[0][i]) / 10 for i in range(repeats)] if 10 in ks else []
            med = [statistics.median(per_k[k]) for k in ks]
            out[key] = {"label": srv.label, "per_k": per_k,
                        "slope_kmax": slope_max, "slope_k10": slope_10, "kmax": kmax,
                        "lsq_slope": lsq_slope(ks, med)}
        finally:
            srv.stop()
    return out


def exp_async_view(appdir, n, repeats, log):
    srv = Server("gthread", appdir)
    res = {"sync": {False: [], True: []}, "async": {False: [], True: []}}
    try:
        srv.wait_ready()
        warm(srv, "/")
        warm(srv, "/async")
        for r in range(repeats):
            for ka in (False, True):
                for kind, path in (("sync", "/"), ("async", "/async")):
                    m = measure(srv, path, n, ka)
                    res[kind][ka].append(m["us_per_req"])
                    log(f"  gthread {kind:5s} view ka={'on ' if ka else 'off'} rep {r+1}: "
                        f"{m['us_per_req']:7.1f} us/req")
    finally:
        srv.stop()
    extra = {ka: [res["async"][ka][i] - res["sync"][ka][i] for i in range(repeats)]
             for ka in (False, True)}
    return {"per_view": res, "extra": extra}


def exp_replace(appdir, repeats, log):
    """Time from signalling the gunicorn sync worker until a new worker answers."""
    out = {}
    for preload in (False, True):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            name = f"{sig.name}{' --preload' if preload else ''}"
            extra = ("--preload",) if preload else ()
            srv = Server(f"gunicorn sync{' --preload' if preload else ''}", appdir,
                         cmd=gunicorn("sync", extra), child=True)
            times, spawn, boot_cpu, exit_cpu = [], [], [], []
            try:
                srv.wait_ready()
                for r in range(repeats):
                    old = int(http_get(srv.port, "/pid")[1])
                    time.sleep(0.3)
                    ct0 = child_ticks(srv.proc.pid)
                    old_cpu = cpu_ns(old)
                    t0 = time.monotonic()
                    os.kill(old, sig)
                    new = None
                    t_spawn = None
                    # 1) wait until the arbiter has forked the replacement
                    while time.monotonic() - t0 < 30:
                        kids = [k for k in children_of(srv.proc.pid) if k != old]
                        if kids:
                            t_spawn = time.monotonic() - t0
                            break
                        time.sleep(0.001)
                    # 2) then until a request is answered by a pid other than old
                    while time.monotonic() - t0 < 30:
                        r_ = http_get(srv.port, "/pid", timeout=30)
                        if r_ and r_[0] == 200 and int(r_[1]) != old:
                            new = int(r_[1])
                            new_cpu = cpu_ns(new)
                            break
                        time.sleep(0.001)
                    dt = time.monotonic() - t0
                    if new is None:
                        log(f"  replace {name}: no new worker within 30s")
                        continue
                    times.append(dt * 1e3)
                    spawn.append((t_spawn if t_spawn is not None else dt) * 1e3)
                    # CPU of the new worker from fork to its first answer, and
                    # CPU the old worker spent after the signal (its total, as
                    # added to the arbiter's cutime+cstime on reaping, minus
                    # what it had used before the signal; 10 ms ticks)
                    boot_cpu.append(new_cpu / 1e6)
                    exit_cpu.append((child_ticks(srv.proc.pid) - ct0) * 1e3 / CLK_TCK
                                    - old_cpu / 1e6)
                    log(f"  replace {name} rep {r+1}: answered by new worker after "
                        f"{dt*1e3:.0f} ms (new pid forked after {spawn[-1]:.0f} ms); "
                        f"new worker CPU to first answer {boot_cpu[-1]:.0f} ms, "
                        f"old worker CPU after signal ~{exit_cpu[-1]:.0f} ms")
                    srv.worker = new
            finally:
                srv.stop()
            out[name] = {"ms": times, "pid_seen_ms": spawn, "boot_cpu_ms": boot_cpu,
                         "exit_cpu_ms": exit_cpu}
    return out


def exp_import(repeats):
    """Wall and CPU time of a bare `import flask` + app import in a fresh interpreter."""
    out = []
    for _ in range(repeats):
        r = subprocess.run([PY, "-c", "import time;t=time.perf_counter();"
                            "import flask;from flask import Flask;Flask('x');"
                            "print((time.perf_counter()-t)*1e3)"],
                           capture_output=True, text=True, timeout=60)
        out.append(float(r.stdout.strip()))
    return out


# ---------------------------------------------------------------------------

def machine_info():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    vers = subprocess.run([PY, "-c", (
        "import sys, gunicorn, gevent, greenlet, flask, werkzeug, uvicorn, asgiref, h11\n"
        "import importlib.util as u\n"
        "print(sys.version.split()[0], gunicorn.__version__, gevent.__version__, "
        "greenlet.__version__, flask.__version__, werkzeug.__version__, "
        "uvicorn.__version__, asgiref.__version__, h11.__version__, "
        "bool(u.find_spec('uvloop')), bool(u.find_spec('httptools')))")],
        capture_output=True, text=True).stdout.split()
    names = ["python", "gunicorn", "gevent", "greenlet", "flask", "werkzeug",
             "uvicorn", "asgiref", "h11", "uvloop", "httptools"]
    return {"nproc": os.cpu_count(), "model": model, "kernel": platform.release(),
            "clk_tck": CLK_TCK, "versions": dict(zip(names, vers)),
            "loadavg": open("/proc/loadavg").read().split()[:3]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=4000, help="requests per measurement")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", default="", help="comma list of servers: " + ",".join(MAIN_ORDER))
    ap.add_argument("--skip", default="", help="comma list of parts to skip: main,resume,async,replace")
    ap.add_argument("--json", help="write raw results here")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    keys = [k for k in args.only.split(",") if k] or MAIN_ORDER

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    results = {"machine": machine_info(), "n": args.n, "repeats": args.repeats}
    with tempfile.TemporaryDirectory(prefix="cpu-measure-") as appdir:
        for name, src in (("flask_app.py", FLASK_APP), ("asgi_app.py", ASGI_APP),
                          ("wsgi_to_asgi.py", WSGI_TO_ASGI_APP),
                          ("dev_server.py", FLASK_DEV), ("client.py", CLIENT)):
            with open(os.path.join(appdir, name), "w") as f:
                f.write(src)
        if "main" not in skip:
            log("== per-request CPU")
            results["main"] = exp_main(appdir, keys, args.n, args.repeats, log)
        if "resume" not in skip:
            log("== per-resume CPU")
            results["resume"] = exp_resume(appdir, args.n, args.repeats, log)
        if "async" not in skip:
            log("== Flask async view under gthread")
            results["async_view"] = exp_async_view(appdir, args.n, args.repeats, log)
        if "replace" not in skip:
            log("== worker replacement")
            results["replace"] = exp_replace(appdir, max(args.repeats, 5), log)
            results["flask_import_ms"] = exp_import(max(args.repeats, 3))

    results["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    m = results["machine"]
    print(f"machine: {m['nproc']} x {m['model']}, kernel {m['kernel']}, "
          f"loadavg at start {' '.join(m['loadavg'])}, at end {' '.join(results['loadavg_end'])}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()))
    print(f"N = {args.n} requests per figure, {args.repeats} repeats; "
          "CPU of the worker process only; one request at a time\n")
    if "main" in results:
        print("CPU us/request  (min / median / max)")
        print(f"{'server':58s} {'keep-alive off':>27s}   {'keep-alive on':>27s}  req/conn(on)  idle us/s")
        for row in results["main"]:
            off = summary([r["us_per_req"] for r in row["off"]])
            on = summary([r["us_per_req"] for r in row["on"]])
            rpc = statistics.median(r["req_per_conn"] for r in row["on"])
            print(f"{row['label']:58s} {fmt3(off)}   {fmt3(on)}  {rpc:10.1f}  {row['idle_us_per_s']:8.0f}")
        print()
    if "resume" in results:
        print("per-resume CPU (keep-alive on)")
        for key, r in results["resume"].items():
            ks = " ".join(f"k={k}: {statistics.median(v):.0f}us" for k, v in r["per_k"].items())
            print(f"  {r['label']:32s} {ks} | per resume (k=0..{r['kmax']}) "
                  f"min/med/max {min(r['slope_kmax']):.2f} / {statistics.median(r['slope_kmax']):.2f} / "
                  f"{max(r['slope_kmax']):.2f} us; (k=0..10) median {statistics.median(r['slope_k10']):.2f} us; "
                  f"least-squares over medians {r['lsq_slope']:.2f} us")
        print()
    if "async_view" in results:
        a = results["async_view"]
        print("Flask async view vs sync view, gunicorn gthread (us/request min / median / max)")
        for ka in (False, True):
            print(f"  keep-alive {'on ' if ka else 'off'}: sync {fmt3(summary(a['per_view']['sync'][ka]))}"
                  f" | async {fmt3(summary(a['per_view']['async'][ka]))}"
                  f" | extra {fmt3(summary(a['extra'][ka]))}")
        print()
    if "replace" in results:
        print("gunicorn sync worker replacement (signal -> first answer from the new worker), ms")
        for name, r in results["replace"].items():
            if r["ms"]:
                print(f"  {name:20s} min/med/max {min(r['ms']):6.0f} / {statistics.median(r['ms']):6.0f} / "
                      f"{max(r['ms']):6.0f}   (forked after: median {statistics.median(r['pid_seen_ms']):.0f} ms; "
                      f"CPU new worker to 1st answer min/med/max {'/'.join(f'{v:.0f}' for v in summary(r['boot_cpu_ms']))} ms; "
                      f"CPU old worker after signal median {statistics.median(r['exit_cpu_ms']):.0f} ms)")
        fi = results["flask_import_ms"]
        print(f"  (fresh interpreter: import flask + Flask(): median {statistics.median(fi):.0f} ms)")
    if args.json:
        # JSON keys must be strings
        def fix(o):
            if isinstance(o, dict):
                return {str(k): fix(v) for k, v in o.items()}
            if isinstance(o, list):
                return [fix(v) for v in o]
            return o
        with open(args.json, "w") as f:
            json.dump(fix(results), f, indent=1)


if __name__ == "__main__":
    main()
