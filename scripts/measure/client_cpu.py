#!/usr/bin/python3
"""Measure the CPU a Python process spends on ONE upstream HTTP call.

The simulator charges this per upstream call, on top of the server's own
per-request CPU (see docs/cpu.md). Run with Debian's interpreter, which has
requests, urllib3, aiohttp, gevent and httpx as Debian packages:

    /usr/bin/python3 scripts/measure/client_cpu.py              # full run (~5 min)
    /usr/bin/python3 scripts/measure/client_cpu.py -n 1000 --repeats 1
    /usr/bin/python3 scripts/measure/client_cpu.py --only aiohttp_session,httpx_client
    /usr/bin/python3 scripts/measure/client_cpu.py --json out.json

Method:

* The upstream is a tiny raw-asyncio HTTP/1.1 server (asyncio.Protocol, no
  HTTP library) in a SEPARATE process, on 127.0.0.1 in port range 18500-18599.
  It answers every request with "200 OK" and a 20-byte body, keeps
  connections alive and closes them only when asked ("Connection: close") or
  at EOF. Its CPU is not counted.
* Every client variant runs in its own fresh child process (so gevent's
  monkey-patching cannot leak into the other variants). The child makes W
  warm-up calls (imports, connection pool, first-call setup), then N calls one
  after another (concurrency 1), reading and checking each response (status
  200, 20-byte body).
* CPU is the calling process's CPU time: time.process_time() deltas (the
  process CPU-time clock: user+system of all its threads, ns resolution, so
  resolver or helper threads are included). utime+stime from /proc/self/stat
  (10 ms ticks) is recorded as a cross-check, and getrusage gives the
  user/system split. Wall time is recorded but is noisy when another job
  loads the machine.
* Repeats are interleaved: for each repeat, every variant runs once, in a new
  child. Reported as min/median/max of the per-call CPU in microseconds.

Every loop is bounded in call count and each child has a hard time limit.
Every process started here is stopped at the end.
"""

import argparse
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time

PY = "/usr/bin/python3"
HOST = "127.0.0.1"
PORT_LO, PORT_HI = 18500, 18599
CHILD_TIMEOUT = 240.0  # seconds, hard stop for one child run
BODY = b"0123456789abcdefghi\n"  # 20 bytes
assert len(BODY) == 20

# (key, label, N divisor) -- divisor shrinks N for the very slow variants.
VARIANTS = [
    ("time_sleep0", "baseline: `time.sleep(0)`", 1),
    ("asyncio_sleep0", "baseline: `await asyncio.sleep(0)`", 1),
    ("gevent_sleep0", "baseline: `gevent.sleep(0)` (in a greenlet)", 1),
    ("raw_socket", "floor: raw socket, keep-alive, send + recv", 1),
    ("requests_get", "`requests.get(url)` (no session, new connection)", 1),
    ("requests_session", "`requests.Session().get(url)` reused", 1),
    ("requests_session_notrust", "`requests.Session()` reused, `trust_env = False`", 1),
    ("urllib3_pool", "`urllib3.PoolManager().request('GET', url)` reused", 1),
    ("aiohttp_session", "aiohttp: one `ClientSession` reused", 1),
    ("aiohttp_new_session", "aiohttp: new `ClientSession` per call", 1),
    ("gevent_requests_session", "gevent `patch_all()` + `requests.Session` reused, in a greenlet", 1),
    ("httpx_client", "httpx: sync `Client` reused", 1),
    ("httpx_async_client", "httpx: `AsyncClient` reused", 1),
    ("httpx_get", "httpx: `httpx.get(url)` (new Client per call)", 8),
]

# ---------------------------------------------------------------------------
# Upstream server (runs in its own process: --upstream PORT)
# ---------------------------------------------------------------------------


def run_upstream(port):
    import asyncio

    resp_keep = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(BODY)) + BODY
    resp_close = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                  b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(BODY)) + BODY

    class Proto(asyncio.Protocol):
        def connection_made(self, transport):
            self.t = transport
            self.buf = b""
            sock = transport.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def data_received(self, data):
            self.buf += data
            while True:
                i = self.buf.find(b"\r\n\r\n")
                if i < 0:
                    if len(self.buf) > 65536:
                        self.t.close()
                    return
                head = self.buf[:i].lower()
                self.buf = self.buf[i + 4:]
                # GET requests only, no request bodies expected.
                if b"\r\nconnection: close" in head:
                    self.t.write(resp_close)
                    self.t.close()
                    return
                self.t.write(resp_keep)

        def eof_received(self):
            return False  # close our side too

    async def main():
        loop = asyncio.get_running_loop()
        srv = await loop.create_server(Proto, HOST, port, backlog=1024, reuse_address=True)
        print("ready", flush=True)
        async with srv:
            await srv.serve_forever()

    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    try:
        asyncio.run(main())
    except (KeyboardInterrupt, SystemExit):
        pass


# ---------------------------------------------------------------------------
# Child: one client variant, W warm-up calls, then N measured calls
# ---------------------------------------------------------------------------


def stat_cpu():
    """utime+stime of this process from /proc/self/stat, in seconds."""
    with open("/proc/self/stat") as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    # fields[0] is field 3 (state); utime is field 14, stime field 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_child(mode, port, n, warmup):
    url = "http://%s:%d/" % (HOST, port)
    errors = [0]

    def check(status, body):
        if status != 200 or body != BODY:
            errors[0] += 1

    def measure(fn):
        """fn(k) performs k calls. Returns the measurement dict."""
        fn(warmup)
        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        s0 = stat_cpu()
        w0 = time.perf_counter()
        c0 = time.process_time()
        fn(n)
        c1 = time.process_time()
        w1 = time.perf_counter()
        s1 = stat_cpu()
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "cpu_s": c1 - c0,
            "stat_cpu_s": s1 - s0,
            "user_s": ru1.ru_utime - ru0.ru_utime,
            "sys_s": ru1.ru_stime - ru0.ru_stime,
            "wall_s": w1 - w0,
        }

    def run_async(make_body):
        """make_body() -> (setup coroutine fn, calls coroutine fn(k), teardown)."""
        import asyncio

        async def main():
            setup, calls, teardown = make_body()
            ctx = await setup()
            try:
                # warm-up + timed calls, all inside the same event loop
                await calls(ctx, warmup)
                ru0 = resource.getrusage(resource.RUSAGE_SELF)
                s0 = stat_cpu()
                w0 = time.perf_counter()
                c0 = time.process_time()
                await calls(ctx, n)
                c1 = time.process_time()
                w1 = time.perf_counter()
                s1 = stat_cpu()
                ru1 = resource.getrusage(resource.RUSAGE_SELF)
            finally:
                await teardown(ctx)
            return {
                "cpu_s": c1 - c0,
                "stat_cpu_s": s1 - s0,
                "user_s": ru1.ru_utime - ru0.ru_utime,
                "sys_s": ru1.ru_stime - ru0.ru_stime,
                "wall_s": w1 - w0,
            }

        return asyncio.run(main())

    async def _noop(ctx=None):
        return None

    if mode == "time_sleep0":
        def fn(k):
            for _ in range(k):
                time.sleep(0)
        res = measure(fn)

    elif mode == "asyncio_sleep0":
        import asyncio

        def body():
            async def calls(ctx, k):
                for _ in range(k):
                    await asyncio.sleep(0)
            return _noop, calls, _noop
        res = run_async(body)

    elif mode == "gevent_sleep0":
        from gevent import monkey
        monkey.patch_all()
        import gevent
        out = {}

        def fn(k):
            for _ in range(k):
                gevent.sleep(0)

        def g():
            out["res"] = measure(fn)
        gevent.spawn(g).join()
        res = out["res"]

    elif mode == "raw_socket":
        req = b"GET / HTTP/1.1\r\nHost: %s:%d\r\n\r\n" % (HOST.encode(), port)
        sock = socket.create_connection((HOST, port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        expect = None

        def fn(k):
            nonlocal expect
            for _ in range(k):
                sock.sendall(req)
                data = sock.recv(4096)
                # the whole response is ~100 bytes and arrives in one segment
                if expect is None:
                    expect = data
                if data != expect or not data.endswith(BODY):
                    errors[0] += 1
        res = measure(fn)
        sock.close()

    elif mode == "requests_get":
        import requests

        def fn(k):
            for _ in range(k):
                r = requests.get(url)
                check(r.status_code, r.content)
        res = measure(fn)

    elif mode in ("requests_session", "requests_session_notrust", "gevent_requests_session"):
        if mode == "gevent_requests_session":
            from gevent import monkey
            monkey.patch_all()
            import gevent
        import requests
        s = requests.Session()
        if mode == "requests_session_notrust":
            # skip the per-call proxy/netrc/CA-bundle lookups in os.environ
            s.trust_env = False

        def fn(k):
            for _ in range(k):
                r = s.get(url)
                check(r.status_code, r.content)
        if mode == "gevent_requests_session":
            out = {}

            def g():
                out["res"] = measure(fn)
            gevent.spawn(g).join()
            res = out["res"]
        else:
            res = measure(fn)
        s.close()

    elif mode == "urllib3_pool":
        import urllib3
        pm = urllib3.PoolManager()

        def fn(k):
            for _ in range(k):
                r = pm.request("GET", url)
                check(r.status, r.data)
        res = measure(fn)
        pm.clear()

    elif mode == "aiohttp_session":
        import aiohttp

        def body():
            async def setup():
                return aiohttp.ClientSession()

            async def calls(session, k):
                for _ in range(k):
                    async with session.get(url) as r:
                        check(r.status, await r.read())

            async def teardown(session):
                await session.close()
            return setup, calls, teardown
        res = run_async(body)

    elif mode == "aiohttp_new_session":
        import aiohttp

        def body():
            async def calls(ctx, k):
                for _ in range(k):
                    async with aiohttp.ClientSession() as session:
                        async with session.get(url) as r:
                            check(r.status, await r.read())
            return _noop, calls, _noop
        res = run_async(body)

    elif mode == "httpx_client":
        import httpx
        c = httpx.Client()

        def fn(k):
            for _ in range(k):
                r = c.get(url)
                check(r.status_code, r.content)
        res = measure(fn)
        c.close()

    elif mode == "httpx_async_client":
        import httpx

        def body():
            async def setup():
                return httpx.AsyncClient()

            async def calls(c, k):
                for _ in range(k):
                    r = await c.get(url)
                    check(r.status_code, r.content)

            async def teardown(c):
                await c.aclose()
            return setup, calls, teardown
        res = run_async(body)

    elif mode == "httpx_get":
        import httpx

        def fn(k):
            for _ in range(k):
                r = httpx.get(url)
                check(r.status_code, r.content)
        res = measure(fn)

    else:
        raise SystemExit("unknown mode %r" % mode)

    res.update({"mode": mode, "n": n, "errors": errors[0], "environ_size": len(os.environ)})
    print(json.dumps(res), flush=True)


# ---------------------------------------------------------------------------
# Parent: start upstream, run the variants, print the table
# ---------------------------------------------------------------------------


def free_port():
    for p in range(PORT_LO, PORT_HI + 1):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, p))
            return p
        except OSError:
            continue
        finally:
            s.close()
    raise SystemExit("no free port in %d-%d" % (PORT_LO, PORT_HI))


def start_upstream(port):
    p = subprocess.Popen([PY, os.path.abspath(__file__), "--upstream", str(port)],
                         stdout=subprocess.PIPE, text=True, start_new_session=True)
    line = p.stdout.readline()
    if line.strip() != "ready":
        stop(p)
        raise SystemExit("upstream did not start")
    return p


def stop(p):
    if p.poll() is not None:
        return
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()


def proc_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_one(mode, port, n, warmup):
    p = subprocess.Popen([PY, os.path.abspath(__file__), "--child", mode, "--port", str(port),
                          "-n", str(n), "--warmup", str(warmup)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        stop(p)
        out, err = p.communicate()
        return {"mode": mode, "failed": "timeout"}
    lines = [l for l in out.splitlines() if l.startswith("{")]
    if p.returncode != 0 or not lines:
        return {"mode": mode, "failed": "rc=%s %s" % (p.returncode, err.strip()[-400:])}
    return json.loads(lines[-1])


def fmt3(xs):
    xs = sorted(xs)
    return "%.0f / **%.0f** / %.0f" % (xs[0], statistics.median(xs), xs[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--upstream", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    ap.add_argument("-n", type=int, default=4000, help="calls per figure (default 4000)")
    ap.add_argument("--warmup", type=int, default=200, help="warm-up calls per child (default 200)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", help="comma-separated variant keys")
    ap.add_argument("--skip", help="comma-separated variant keys")
    ap.add_argument("--json", help="save raw results to this file")
    ap.add_argument("--list", action="store_true", help="list variant keys")
    a = ap.parse_args()

    if a.upstream:
        return run_upstream(a.upstream)
    if a.child:
        return run_child(a.child, a.port, a.n, a.warmup)
    if a.list:
        for k, label, _ in VARIANTS:
            print("%-24s %s" % (k, label))
        return

    variants = VARIANTS
    if a.only:
        keep = set(a.only.split(","))
        variants = [v for v in variants if v[0] in keep]
    if a.skip:
        drop = set(a.skip.split(","))
        variants = [v for v in variants if v[0] not in drop]

    port = free_port()
    up = start_upstream(port)
    results = {k: [] for k, _, _ in variants}
    try:
        for rep in range(a.repeats):
            for key, label, div in variants:
                n = max(100, a.n // div)
                u0 = proc_cpu(up.pid)
                r = run_one(key, port, n, min(a.warmup, n))
                r["upstream_cpu_s"] = proc_cpu(up.pid) - u0  # whole child incl. warm-up
                results[key].append(r)
                if "failed" in r:
                    print("  rep %d %-24s FAILED %s" % (rep + 1, key, r["failed"]), file=sys.stderr)
                else:
                    print("  rep %d %-24s %7.1f us/call cpu  (stat %7.1f, wall %7.1f, errors %d)" % (
                        rep + 1, key, 1e6 * r["cpu_s"] / n, 1e6 * r["stat_cpu_s"] / n,
                        1e6 * r["wall_s"] / n, r["errors"]), file=sys.stderr, flush=True)
    finally:
        stop(up)

    print()
    print("CPU µs per call in the calling process (min / median / max of %d runs); "
          "%d environment variables" % (a.repeats, len(os.environ)))
    print()
    print("| client | CPU µs/call | user / sys share (median run) | wall µs/call (median) | N |")
    print("|---|---|---|---|---|")
    for key, label, div in variants:
        rs = [r for r in results[key] if "failed" not in r]
        if not rs:
            print("| %s | failed | | | |" % label)
            continue
        per = [1e6 * r["cpu_s"] / r["n"] for r in rs]
        med = sorted(rs, key=lambda r: r["cpu_s"])[len(rs) // 2]
        us, sy = med["user_s"], med["sys_s"]
        tot = (us + sy) or 1
        wall = statistics.median(1e6 * r["wall_s"] / r["n"] for r in rs)
        errs = sum(r["errors"] for r in rs)
        print("| %s | %s | %.0f %% / %.0f %% | %.0f | %d%s |" % (
            label, fmt3(per), 100 * us / tot, 100 * sy / tot, wall, rs[0]["n"],
            ("; %d bad responses" % errs) if errs else ""))
    # cross-check column
    print()
    print("cross-check, /proc/self/stat utime+stime (10 ms ticks), median µs/call:")
    for key, label, div in variants:
        rs = [r for r in results[key] if "failed" not in r]
        if rs:
            print("  %-24s %8.1f   (process_time median %8.1f)" % (
                key, statistics.median(1e6 * r["stat_cpu_s"] / r["n"] for r in rs),
                statistics.median(1e6 * r["cpu_s"] / r["n"] for r in rs)))

    if a.json:
        with open(a.json, "w") as f:
            json.dump({"n": a.n, "repeats": a.repeats, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
