"""Shared helpers of the calibration apps (see calibrate/doc.go).

The harness starts every app with CALIBRATE_UPSTREAM=127.0.0.1:PORT, the Go
upstream that answers /up after the row's io and counts its peak concurrency,
and CALIBRATE_CLIENT=NAME when the row names its HTTP client.
"""
import os
import time
import _socket

UP_HOST, _port = os.environ["CALIBRATE_UPSTREAM"].rsplit(":", 1)
UP_PORT = int(_port)
UP_URL = f"http://{UP_HOST}:{UP_PORT}/up"
# The HTTP client the app imports at start ("" for the app's own); routes
# name the one each call uses.
CLIENT = os.environ.get("CALIBRATE_CLIENT", "")


def burn(ms):
    """Spin for ms milliseconds of this thread's CPU time (not wall time), so
    the handler costs the same CPU however often it loses the GIL."""
    if ms <= 0:
        return
    end = time.thread_time() + ms / 1000.0
    x = 0
    while time.thread_time() < end:
        for _ in range(200):
            x += 1


def blocking_call():
    """One upstream call on the C-level _socket, which neither gevent nor
    asyncio can make yield: like a C database driver, it holds the hub or the
    event loop for the whole call. The upstream still counts it."""
    s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        s.connect((UP_HOST, UP_PORT))
        s.sendall(b"GET /up HTTP/1.0\r\nHost: upstream\r\n\r\n")
        while s.recv(65536):
            pass
    finally:
        s.close()


def params(get):
    """The route's parameters from a query getter: calls, cpu ms, parallel,
    blocking."""
    return (int(get("calls", "1")), float(get("cpu", "0")),
            get("parallel", "0") == "1", get("blocking", "0") == "1")


def extras(get):
    """The route's other parameters (engine keys wait, http-client, pool):
    sleep ms when each io is a sleep instead of a call (0: a call), the
    client's name ("" for the route's own), and the pool size (0: the
    client's default)."""
    return float(get("sleep", "0")), get("client", ""), int(get("pool", "0"))


_aio = {}  # (client, pool) -> one module-level session, made on first use


async def aio_call(client="", pool=0):
    """One upstream call through ONE module-level session per (client, pool):
    aiohttp.ClientSession (TCPConnector limit 100 by default), or with
    client "httpx" an httpx.AsyncClient (max_connections 100 by default)."""
    key = (client, pool)
    s = _aio.get(key)
    if client == "httpx":
        if s is None:
            import httpx
            s = _aio[key] = httpx.AsyncClient(limits=httpx.Limits(max_connections=pool or 100))
        r = await s.get(UP_URL)
        await r.aread()
        return
    if s is None:
        import aiohttp
        s = _aio[key] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=pool or 100))
    async with s.get(UP_URL) as r:
        await r.read()


async def aio_close():
    """Close the sessions of aio_call."""
    for (client, _), s in _aio.items():
        await (s.aclose() if client == "httpx" else s.close())


async def aio_work(calls, cpu, parallel, blocking, sleep=0, client="", pool=0):
    """An async route: burn cpu ms, then make calls upstream calls with
    aio_call, gathered when parallel; blocking makes them on the C-level
    socket instead, which holds the event loop. With sleep > 0 each io is
    an asyncio.sleep of that many ms (time.sleep when blocking)."""
    import asyncio
    burn(cpu)
    if sleep > 0:
        if blocking:
            for _ in range(calls):
                time.sleep(sleep / 1000)
        elif parallel:
            await asyncio.gather(*(asyncio.sleep(sleep / 1000) for _ in range(calls)))
        else:
            for _ in range(calls):
                await asyncio.sleep(sleep / 1000)
    elif blocking:
        for _ in range(calls):
            blocking_call()
    elif parallel:
        await asyncio.gather(*(aio_call(client, pool) for _ in range(calls)))
    else:
        for _ in range(calls):
            await aio_call(client, pool)
