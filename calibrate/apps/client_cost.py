"""Measure what each HTTP client costs the app that calls the upstream with
it (engine/httpclient.go reads the figures): CPU per call and the memory of
its import and of a call in flight; and the CPU of a plain sleep.

    python3 client_cost.py cpu CLIENT     # CLIENT: requests urllib httpx aiohttp httpx-async
    python3 client_cost.py mem CLIENT N   # N calls in flight at once (gevent for the sync clients)
    python3 client_cost.py sleep KIND     # KIND: asyncio gevent thread

It starts its own upstream on 127.0.0.1 (a child process; keep-alive HTTP/1.1,
answers /up after ?ms milliseconds) and prints one JSON line.
"""
import json
import os
import resource
import socket
import subprocess
import sys
import time

UPSTREAM = r'''
import asyncio, sys
async def handle(reader, writer):
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            ms = 0
            if b"ms=" in line:
                ms = int(line.split(b"ms=")[1].split(b" ")[0])
            while (await reader.readline()) not in (b"\r\n", b""):
                pass
            if ms:
                await asyncio.sleep(ms / 1000)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok")
            await writer.drain()
    except ConnectionError:
        pass
    writer.close()
async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=4096)
    print(srv.sockets[0].getsockname()[1], flush=True)
    await srv.serve_forever()
asyncio.run(main())
'''


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def sync_caller(name, url):
    if name == "requests":
        import requests
        s = requests.Session()
        return lambda u: s.get(u).content
    if name == "urllib":
        import urllib.request
        return lambda u: urllib.request.urlopen(u).read()
    if name == "httpx":
        import httpx
        c = httpx.Client()
        return lambda u: c.get(u).content
    raise SystemExit("unknown sync client " + name)


def async_caller(name):
    if name == "aiohttp":
        import aiohttp
        holder = {}

        async def call(u):
            if "s" not in holder:
                holder["s"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
            async with holder["s"].get(u) as r:
                await r.read()
        return call
    if name == "httpx-async":
        import httpx
        holder = {}

        async def call(u):
            if "c" not in holder:
                holder["c"] = httpx.AsyncClient(limits=httpx.Limits(max_connections=None))
            r = await holder["c"].get(u)
            await r.aread()
        return call
    raise SystemExit("unknown async client " + name)


def measure_cpu(name, url, n, ms):
    """CPU seconds per call over n calls one after another, the upstream
    answering after ms (0: back to back, caches hot)."""
    u = f"{url}?ms={ms}"
    if name in ("aiohttp", "httpx-async"):
        import asyncio
        call = async_caller(name)

        async def run():
            for _ in range(20):
                await call(u)
            c0 = cpu()
            for _ in range(n):
                await call(u)
            return cpu() - c0
        return asyncio.run(run()) / n
    call = sync_caller(name, url)
    for _ in range(20):
        call(u)
    c0 = cpu()
    for _ in range(n):
        call(u)
    return (cpu() - c0) / n


def main():
    up = subprocess.Popen([sys.executable, "-c", UPSTREAM], stdout=subprocess.PIPE)
    try:
        port = int(up.stdout.readline())
        url = f"http://127.0.0.1:{port}/up"
        what, arg = sys.argv[1], sys.argv[2]
        out = {"what": what, "arg": arg}
        if what == "cpu":
            # The import on top of what the app has loaded anyway: Flask for
            # the sync clients, asyncio for the async ones.
            if arg in ("aiohttp", "httpx-async"):
                import asyncio  # noqa: F401
            else:
                import flask  # noqa: F401
            base = rss_kib()
            if arg in ("aiohttp", "httpx-async"):
                async_caller(arg)
            else:
                sync_caller(arg, url)
            out["import_kib"] = rss_kib() - base
            out["hot_us"] = round(measure_cpu(arg, url, 2000, 0) * 1e6)
            out["after_20ms_us"] = round(measure_cpu(arg, url, 200, 20) * 1e6)
        elif what == "mem":
            n = int(sys.argv[3])
            out["n"] = n
            out.update(measure_mem(arg, url, n))
        elif what == "sleep":
            out["us"] = round(measure_sleep(arg) * 1e6, 1)
        print(json.dumps(out))
    finally:
        up.kill()
        up.wait()


def measure_mem(name, url, n):
    """RSS per call in flight: n tasks each in a 2 s call, against n tasks
    each in a 2 s sleep (the bare task), measured in the same process."""
    u = f"{url}?ms=2000"
    if name in ("aiohttp", "httpx-async"):
        import asyncio
        call = async_caller(name)

        async def run():
            await call(f"{url}?ms=0")
            base = rss_kib()
            ts = [asyncio.ensure_future(asyncio.sleep(2)) for _ in range(n)]
            await asyncio.sleep(1)
            slept = rss_kib()
            await asyncio.gather(*ts)
            ts = [asyncio.ensure_future(call(u)) for _ in range(n)]
            await asyncio.sleep(1.5)
            called = rss_kib()
            await asyncio.gather(*ts)
            return base, slept, called
        base, slept, called = asyncio.run(run())
    else:
        from gevent import monkey
        monkey.patch_all()
        import gevent
        call = sync_caller(name, url)
        call(f"{url}?ms=0")
        base = rss_kib()
        gs = [gevent.spawn(gevent.sleep, 2) for _ in range(n)]
        gevent.sleep(1)
        slept = rss_kib()
        gevent.joinall(gs)
        gs = [gevent.spawn(call, u) for _ in range(n)]
        gevent.sleep(1.5)
        called = rss_kib()
        gevent.joinall(gs)
    return {"task_kib": round((slept - base) / n, 1), "call_kib": round((called - base) / n, 1)}


def measure_sleep(kind):
    """CPU seconds of one sleep(0.001) and its wake-up, 20,000 of them in
    100 concurrent sleepers."""
    if kind == "asyncio":
        import asyncio

        async def one():
            for _ in range(200):
                await asyncio.sleep(0.001)

        async def run():
            c0 = cpu()
            await asyncio.gather(*(one() for _ in range(100)))
            return cpu() - c0
        return asyncio.run(run()) / 20000
    if kind == "gevent":
        import gevent

        def one():
            for _ in range(200):
                gevent.sleep(0.001)
        c0 = cpu()
        gevent.joinall([gevent.spawn(one) for _ in range(100)])
        return (cpu() - c0) / 20000
    if kind == "thread":
        import threading

        def one():
            for _ in range(200):
                time.sleep(0.001)
        c0 = cpu()
        ts = [threading.Thread(target=one) for _ in range(100)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return (cpu() - c0) / 20000
    raise SystemExit("unknown sleep kind " + kind)


if __name__ == "__main__":
    main()
